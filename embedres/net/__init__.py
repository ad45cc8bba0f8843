"""The network layer every online stage shares: HTTP client, address policy, cache, limiter."""
