-- GET with the bearer token from $BENCH_TOKEN (authenticated scenarios).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
