namespace Bulwark.Security.RateLimiting;

/// <summary>
/// RL-2/BAN-1: the one Lua script a request costs in scaled mode (STYLE.md §8: a constant next to its store, every key
/// in KEYS, all under one hash tag). Redis runs a script atomically, so each counter is read and charged with no race
/// between instances, and the ban check and every tier of the request share one round trip.
/// </summary>
/// <remarks>
/// KEYS[1..n]: one hash per rule and partition, field = segment number, value = requests in that segment.
/// KEYS[n+1] (when ARGV[2] = "1"): the ban key of the client.
/// ARGV[1] = n, ARGV[2] = ban check flag, then per rule: limit, window (ms), segments, gate (0|1).
/// Returns { banned (0|1), ban ms left (-1 = permanent), then per rule: 0 = granted, else ms until retry }; a refused
/// gate ends the list there (the rules after it are not charged).
/// Time is the Redis server's (TIME), so instances with skewed clocks still share one window. Sliding window like the
/// in-memory store: the sum of the segments inside the window must stay below the limit; a refused request is not
/// counted; segments that left the window are deleted, and the hash expires one window after its last write.
/// </remarks>
internal static class RedisRateLimitScript
{
    public const string Source = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local n = tonumber(ARGV[1])
        if ARGV[2] == '1' then
          local ttl = redis.call('PTTL', KEYS[n + 1])
          if ttl ~= -2 then
            return { 1, ttl }
          end
        end
        local result = { 0, 0 }
        for i = 1, n do
          local base = 2 + (i - 1) * 4
          local limit = tonumber(ARGV[base + 1])
          local window = tonumber(ARGV[base + 2])
          local segments = tonumber(ARGV[base + 3])
          local seglen = math.floor(window / segments)
          local current = math.floor(now / seglen)
          local oldest = current - segments + 1
          local fields = redis.call('HGETALL', KEYS[i])
          local total = 0
          local first = current
          for j = 1, #fields, 2 do
            local segment = tonumber(fields[j])
            if segment < oldest then
              redis.call('HDEL', KEYS[i], fields[j])
            else
              total = total + tonumber(fields[j + 1])
              if segment < first then first = segment end
            end
          end
          if total < limit then
            redis.call('HINCRBY', KEYS[i], current, 1)
            redis.call('PEXPIRE', KEYS[i], window + seglen)
            result[i + 2] = 0
          else
            local retry = (first + segments) * seglen - now
            if retry < 1 then retry = 1 end
            result[i + 2] = retry
            if ARGV[base + 4] == '1' then break end
          end
        end
        return result
        """;
}
