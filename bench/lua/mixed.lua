-- The mixed scenario (G8): simulated people with think time.
-- wrk -s mixed.lua URL -- PEOPLE POSTS SPACE THINK_MS
-- 70% reads (50% space feed, 10% post detail, 10% comments), 15% writes (10% posts,
-- 5% comments), 10% notifications (5% unread count, 5% centre), 5% uploads (a small text
-- file). After each response a person "reads" for THINK_MS/2 .. 3*THINK_MS/2 ms.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
require("common")

local people, posts, space, think = 200, 1000, "bench-1", 1000
local boundary = "----plazabench7MA4YWxkTrZu0gW"

function init(args)
  people = tonumber(args[1] or "200")
  posts = tonumber(args[2] or "1000")
  space = args[3] or "bench-1"
  think = tonumber(args[4] or "1000")
  math.randomseed(tid * 1000003)
end

local function post_id()
  -- posts of bench-1 are the multiples of 10 (bench/seed.py)
  return 10 * math.random(1, math.max(math.floor(posts / 10), 1))
end

function request()
  local h = { Authorization = "Bearer " .. token(math.random(2, people + 1)) }
  local r = math.random(1, 100)
  if r <= 50 then
    return wrk.format("GET", "/api/v1/spaces/" .. space .. "/feed", h)
  elseif r <= 60 then
    return wrk.format("GET", "/api/v1/posts/" .. post_id(), h)
  elseif r <= 70 then
    return wrk.format("GET", "/api/v1/posts/" .. post_id() .. "/comments", h)
  elseif r <= 80 then
    h["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/spaces/" .. space .. "/posts", h,
      '{"body": "Mixed load post ' .. r .. ': the tasting moved to Friday."}')
  elseif r <= 85 then
    h["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/posts/" .. post_id() .. "/comments", h, '{"body": "See you there."}')
  elseif r <= 90 then
    return wrk.format("GET", "/api/v1/notifications/unread-count", h)
  elseif r <= 95 then
    return wrk.format("GET", "/api/v1/notifications", h)
  else
    h["Content-Type"] = "multipart/form-data; boundary=" .. boundary
    local body = "--" .. boundary .. "\r\n" ..
      'Content-Disposition: form-data; name="file"; filename="notes.txt"\r\n' ..
      "Content-Type: text/plain\r\n\r\n" ..
      "Agenda for Friday: tasting, report, next meetup.\r\n" ..
      "--" .. boundary .. "--\r\n"
    return wrk.format("POST", "/api/v1/uploads", h, body)
  end
end

function delay()
  return math.random(math.floor(think / 2), math.floor(think * 3 / 2))
end
