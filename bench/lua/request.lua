-- One endpoint: wrk -s request.lua URL -- METHOD PEOPLE [BODY [FIRST]]
-- PEOPLE > 0 sends "Authorization: Bearer" with the tokens of bench people FIRST..FIRST+PEOPLE-1
-- in turn (FIRST defaults to 2: person 1 owns every space; the others are plain members).
-- BODY (when not empty) is sent as JSON.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
require("common")

local method, people, body, first = "GET", 0, nil, 2
local n = 0

function init(args)
  method = args[1] or "GET"
  people = tonumber(args[2] or "0")
  body = args[3]
  if body == "" then body = nil end
  first = tonumber(args[4] or "2")
  n = tid * 7919
end

function request()
  n = n + 1
  local headers = {}
  if people > 0 then headers["Authorization"] = "Bearer " .. token(n % people + first) end
  local b = nil
  if body then
    headers["Content-Type"] = "application/json"
    b = body:gsub("{n}", tostring(n))
  end
  return wrk.format(method, nil, headers, b)
end
