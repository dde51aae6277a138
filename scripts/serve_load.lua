-- wrk script for scripts/serve_load.sh: each request POSTs one sentence of
-- SENTENCES (one per line) as {"text": ..., "beam": BEAM}, each thread
-- starting at a random line.
local sentences = {}
for line in io.lines(os.getenv("SENTENCES")) do
  if #line > 0 then sentences[#sentences + 1] = line end
end
local beam = tonumber(os.getenv("BEAM") or "1")

local function json_string(s)
  s = s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\u%04x", c:byte())
  end)
  return '"' .. s .. '"'
end

local counter = 0
function setup(thread)
  thread:set("offset", math.random(1, #sentences))
end

function init(args)
  counter = offset or 1
end

function request()
  counter = counter % #sentences + 1
  local body = '{"text": ' .. json_string(sentences[counter]) .. ', "beam": ' .. beam .. '}'
  return wrk.format("POST", "/translate", { ["Content-Type"] = "application/json" }, body)
end
