-- One endpoint: wrk -s request.lua URL -- METHOD PEOPLE [BODY]
-- PEOPLE > 0 sends "Authorization: Bearer" with the tokens of bench people 2..PEOPLE+1 in turn
-- (person 1 owns every space; the others are plain members). BODY is sent as JSON.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
require("common")

local method, people, body = "GET", 0, nil
local n = 0

function init(args)
  method = args[1] or "GET"
  people = tonumber(args[2] or "0")
  body = args[3]
  n = tid * 7919
end

function request()
  n = n + 1
  local headers = {}
  if people > 0 then headers["Authorization"] = "Bearer " .. token(n % people + 2) end
  local b = nil
  if body then
    headers["Content-Type"] = "application/json"
    b = body:gsub("{n}", tostring(n))
  end
  return wrk.format(method, nil, headers, b)
end
