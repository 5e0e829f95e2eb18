-- POST /api/v1/auth/login with valid demo credentials (login burst: every attempt hashes a password behind
-- the RL-5 gate, so the burst also shows 503 + Retry-After when the gate is full). A wrong password would
-- lock the account (AUTH-3) and ban the client IP (BAN-1), which is not what this scenario measures.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"tenant":"demo","email":"finance@demo.example","password":"' .. (os.getenv("BULWARK_DEMO_PASSWORD") or "Bulwark-Demo-2026!") .. '"}'
