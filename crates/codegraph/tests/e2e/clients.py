"""Drives the real `codegraph` binary as its users' clients do: the
official MCP Python SDK (PyPI `mcp`) over stdio and over streamable HTTP,
and a real HTTP client (httpx2, which that SDK ships with) against the
HTTP API. Run by tests/serve.rs with the binary, an indexed fixture repo
and its index; exits non-zero at the first wrong answer.

    python clients.py CODEGRAPH REPO DB
"""

import asyncio
import re
import subprocess
import sys
import time

import httpx2
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

BIN, REPO, DB = sys.argv[1:4]
TOKEN = "s3cret-token"
DEFAULT_TOOLS = {"search", "symbol", "callers", "references", "impact", "path", "context", "status"}


def check(condition, what, detail=""):
    if not condition:
        print(f"FAILED: {what}\n{detail}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


# Each tool once, with what its answer must cite.
CALLS = [
    ("search", {"query": "retry a failed request with backoff", "limit": 3}, ["retryRequest", "web/client.ts:"]),
    ("symbol", {"symbol": "Settings::load"}, ["src/lib.rs:10", "read_file", "parse_settings"]),
    ("callers", {"symbol": "validate"}, ["parse_config", "app/config.py:12"]),
    ("callers", {"symbol": "Settings::load", "direction": "callees"}, ["read_file", "src/lib.rs:11"]),
    ("references", {"symbol": "ConfigError"}, ["app/config.py", "validate"]),
    ("impact", {"target": "validate"}, ["parse_config", "app/config.py"]),
    ("path", {"from": "Settings::load", "to": "read_file"}, ["read_file", "src/lib.rs:11"]),
    ("context", {"query": "retry a failed request with backoff", "budget": 600}, ["web/client.ts:8", "retryRequest", "tokens"]),
    ("context", {"query": "Settings::load", "budget": 600}, ["src/lib.rs:10", "called by", "read_file"]),
    ("status", {}, ["files:", "python"]),
]


async def exercise(client, transport, tools):
    listed = await client.list_tools()
    names = {t.name for t in listed.tools}
    check(names == tools, f"{transport}: tools/list names {sorted(names)}", str(names))
    for tool in listed.tools:
        check(bool(tool.description) and tool.input_schema.get("type") == "object",
              f"{transport}: {tool.name} has a description and an input schema")
    for name, arguments, expected in CALLS:
        result = await client.call_tool(name, arguments)
        text = text_of(result)
        check(not result.is_error, f"{transport}: {name} {arguments} answers", text)
        for needle in expected:
            check(needle in text, f"{transport}: {name} cites {needle!r}", text)
        check(isinstance(result.structured_content, dict),
              f"{transport}: {name} has structured content")
    # A name nothing matches is a tool error the agent can read.
    missing = await client.call_tool("symbol", {"symbol": "no_such_symbol_zz"})
    check(missing.is_error and "not_found" in text_of(missing),
          f"{transport}: an unknown symbol is a not_found tool error", text_of(missing))
    ambiguous = await client.call_tool("symbol", {"symbol": "sleep"})
    check(ambiguous.is_error and "ambiguous" in text_of(ambiguous) and "web/client.ts" in text_of(ambiguous),
          f"{transport}: an ambiguous name lists its candidates", text_of(ambiguous))
    if "find" in tools:
        found = await client.call_tool("find", {"name": "parse_conf"})
        check("parse_config" in text_of(found), f"{transport}: find answers by prefix", text_of(found))


async def over_stdio():
    params = StdioServerParameters(command=BIN, args=["mcp", "--db", DB])
    async with Client(params, mode="legacy") as client:
        info = client.server_info
        check(info is not None and info.name == "codegraph" and client.server_capabilities.tools is not None,
              f"stdio: initialize (protocol {client.protocol_version})", str(info))
        await exercise(client, "stdio", DEFAULT_TOOLS)


def start_server(*extra):
    server = subprocess.Popen(
        [BIN, "serve", "--db", DB, "--addr", "127.0.0.1:0", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    line = server.stderr.readline()
    match = re.search(r"http://([\d.]+:\d+)", line)
    if not match:
        server.kill()
        check(False, "serve prints its address", line)
    return server, f"http://{match.group(1)}"


async def over_http(base):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for mode in ["legacy", "auto"]:
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            transport = streamable_http_client(f"{base}/mcp", http_client=http)
            async with Client(transport, mode=mode) as client:
                await exercise(client, f"http ({mode})", DEFAULT_TOOLS | {"find"})


def http_api(base):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx2.Client(base_url=base, timeout=30) as http:
        r = http.get("/health")
        check(r.status_code == 200 and r.json()["status"] == "ok", "api: /health needs no token")
        r = http.get("/api/find", params={"name": "parse_config"})
        check(r.status_code == 401 and r.headers.get("www-authenticate") == "Bearer",
              "api: no token is refused with 401", r.text)
        r = http.get("/api/find", params={"name": "parse_config"},
                     headers={"Authorization": "Bearer s3cret-tokeN"})
        check(r.status_code == 401, "api: a wrong token is refused", r.text)
        r = http.post("/mcp", json={}, headers={"Authorization": "Bearer nope"})
        check(r.status_code == 401, "api: MCP over HTTP needs the token too", r.text)

        http.headers.update(auth)
        r = http.get("/api/find", params={"name": "parse_config"})
        check(r.status_code == 200 and r.json()[0]["file"] == "app/config.py", "api: GET find", r.text)
        r = http.post("/api/callers", json={"symbol": "validate"})
        hops = r.json().get("hops", [])
        check(r.status_code == 200 and any(h["name"] == "parse_config" for h in hops), "api: POST callers", r.text)
        r = http.post("/api/search", json={"query": "load settings from a file", "limit": 2})
        check(r.status_code == 200 and len(r.json()["hits"]) <= 2, "api: POST search", r.text)
        r = http.post("/api/context", json={"query": "load settings from a file", "budget": 300})
        pack = r.json()
        check(r.status_code == 200 and 0 < pack["tokens"] <= 300 and pack["snippets"]
              and pack["snippets"][0]["text"].startswith("### "),
              "api: POST context stays in its budget", r.text)
        r = http.get("/api/context", params={"query": "x", "budget": "0"})
        check(r.status_code == 400, "api: a zero budget is 400", r.text)
        r = http.get("/api/symbol", params={"symbol": "sleep"})
        check(r.status_code == 409 and len(r.json()["candidates"]) == 2 and r.json()["code"] == "ambiguous",
              "api: ambiguous is 409 with candidates", r.text)
        r = http.get("/api/symbol", params={"symbol": "no_such_symbol_zz"})
        check(r.status_code == 404 and r.json()["code"] == "not_found", "api: unknown symbol is 404", r.text)
        r = http.get("/api/callers", params={"symbol": "validate", "depth": "deep"})
        check(r.status_code == 400 and r.json()["code"] == "bad_request", "api: a bad parameter is 400", r.text)
        r = http.post("/api/impact", content=b"{not json", headers={"content-type": "application/json"})
        check(r.status_code == 400, "api: a bad JSON body is 400", r.text)
        r = http.get("/api/impact", params={"target": "validate", "min_confidence": "2"})
        check(r.status_code == 400, "api: an out-of-range confidence is 400", r.text)
        r = http.post("/api/search", content=b"x" * 200_000)
        check(r.status_code == 413 and r.json()["code"] == "too_large", "api: an oversized body is 413", r.text)
        check(r.headers.get("connection") == "close",
              "api: a 413 closes its connection and says so (the body is left unread)", str(r.headers))
        r = http.get("/api/nothing_here")
        check(r.status_code == 404, "api: an unknown endpoint is 404", r.text)
        r = http.get("/api/find", params={"name": "parse", "limit": "50"})
        check(r.status_code == 200 and len(r.json()) == 2, "api: --max-results caps a large limit", r.text)
        r = http.get("/openapi.json")
        check(r.status_code == 200 and "/api/impact" in r.json()["paths"], "api: /openapi.json")
        r = http.get("/metrics")
        check(r.status_code == 200
              and 'codegraph_requests_total{endpoint="find",code="200"}' in r.text
              and 'codegraph_request_duration_seconds_bucket{endpoint="symbol",le="+Inf"}' in r.text
              and "codegraph_index_nodes " in r.text
              and "codegraph_block_cache_bytes " in r.text,
              "api: /metrics counts requests by endpoint and code", r.text)

        # The index changes under the running server: its next answers
        # come from the new state, with no restart.
        with open(f"{REPO}/app/later.py", "w") as f:
            f.write("from app.config import validate\n\n\ndef added_later(d):\n    return validate(d)\n")
        subprocess.run([BIN, "index", REPO, "--db", DB], check=True, stdout=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            r = http.get("/api/callers", params={"symbol": "validate"})
            if any(h["name"] == "added_later" for h in r.json().get("hops", [])):
                break
            time.sleep(0.1)
        check(any(h["name"] == "added_later" for h in r.json().get("hops", [])),
              "api: answers from the re-indexed state without a restart", r.text)


def main():
    asyncio.run(over_stdio())
    server, base = start_server("--token", TOKEN, "--tools", "all", "--max-results", "2")
    try:
        asyncio.run(over_http(base))
        http_api(base)
    finally:
        server.terminate()
        server.wait(timeout=10)
    check(server.returncode == 0, "serve exits cleanly on SIGTERM", str(server.returncode))
    # Beyond loopback without a token: refused, in one line.
    refused = subprocess.run([BIN, "serve", "--db", DB, "--addr", "0.0.0.0:0"],
                             capture_output=True, text=True, timeout=30)
    check(refused.returncode != 0 and "--token" in refused.stderr and refused.stderr.count("\n") == 1,
          "serve refuses a public address without a token", refused.stderr)


main()
