-- Loaded (dofile) by the wrk scripts that draw requests at random: each thread seeds its own
-- generator, so threads do not send the same sequence.
function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
end
