#!/usr/bin/env python3
"""Control characters in every string field of every JSON body (and the CSV import).

Run by scripts/robustness.sh against a live `herald serve`, after schemathesis: the
generated cases rarely put CR/LF, NUL, TAB, ESC or C1 characters exactly where a header
or a CSV cell is built. Here every string field of a valid request body gets each of
those values in turn. Every answer must be < 500, an error must be problem+json, and the
server must still be healthy at the end (no panic, no empty reply).

    fuzz_control_chars.py BASE_URL ACCESS_TOKEN

Standard library only.
"""

import json
import sys
import urllib.error
import urllib.request
import uuid

NASTY = [
    "\r\n",
    "Eve\r\nBcc: all@victims.example",
    "line\nbreak",
    "tab\there",
    "nul\x00byte",
    "esc\x1b[31m",
    "bell\x07",
    "del\x7f",
    "c1\x85next",
    "\u2028separator",
    "=HYPERLINK(\"http://evil.example\")",
    "{{ range(100000) | join }}",
]


def call(base, token, method, path, body=None, content_type="application/json"):
    data = None
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=15) as res:
            return res.status, res.headers.get("Content-Type", ""), res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def must(base, token, method, path, body):
    status, _, raw = call(base, token, method, path, body)
    if status >= 300:
        sys.exit(f"setup {method} {path} -> {status}: {raw[:300]!r}")
    return json.loads(raw) if raw else None


def mutations(body):
    """Every (path, value) obtained by replacing one string leaf with a nasty value."""
    if isinstance(body, dict):
        for k, v in body.items():
            for sub, replaced in mutations(v):
                yield [k] + sub, {**body, k: replaced}
    elif isinstance(body, list):
        for i, v in enumerate(body):
            for sub, replaced in mutations(v):
                yield [i] + sub, body[:i] + [replaced] + body[i + 1:]
    elif isinstance(body, str):
        for nasty in NASTY:
            yield [], nasty


def main():
    base, token = sys.argv[1].rstrip("/"), sys.argv[2]
    tag = uuid.uuid4().hex[:8]
    client = must(base, token, "POST", "/api/v1/clients",
                  {"email": f"cc-{tag}@example.com", "full_name": "Base", "comment": "c"})
    message = must(base, token, "POST", "/api/v1/messages",
                   {"subject": "Hi {{ full_name }}", "body": "Hello", "html_body": "<p>Hi</p>"})
    post = must(base, token, "POST", "/api/v1/posts", {"title": "T", "body": "B"})
    role = must(base, token, "POST", "/api/v1/roles",
                {"name": f"cc_{tag}", "permissions": ["stats.view_all"]})
    mailing_body = {"name": "Fuzz mailing", "message_id": message["id"], "client_ids": [client["id"]],
                    "start_at": "2999-01-01T00:00:00Z", "periodicity": "once"}
    mailing = must(base, token, "POST", "/api/v1/mailings", mailing_body)
    me = must(base, token, "GET", "/api/v1/me", None)

    cases = [
        ("POST", "/api/v1/auth/register",
         {"email": f"new-{tag}@example.com", "password": "plum-Tractor-orbit-71", "full_name": "N"}),
        ("POST", "/api/v1/auth/login", {"email": "x@example.com", "password": "whatever-123"}),
        ("POST", "/api/v1/auth/refresh", {"refresh_token": "x"}),
        ("POST", "/api/v1/auth/password-reset", {"email": "x@example.com"}),
        ("POST", "/api/v1/auth/password-reset/confirm", {"token": "t", "password": "plum-Tractor-orbit-71"}),
        ("POST", "/api/v1/auth/resend-verification", {"email": "x@example.com"}),
        ("POST", "/api/v1/auth/verify-email", {"token": "t"}),
        ("POST", "/api/v1/clients", {"email": f"c-{tag}@example.com", "full_name": "F", "comment": "C"}),
        ("PUT", f"/api/v1/clients/{client['id']}",
         {"email": client["email"], "full_name": "F", "comment": "C"}),
        ("POST", "/api/v1/messages", {"subject": "S", "body": "B", "html_body": "<p>H</p>"}),
        ("PUT", f"/api/v1/messages/{message['id']}", {"subject": "S", "body": "B", "html_body": "<p>H</p>"}),
        ("POST", "/api/v1/mailings", mailing_body),
        ("PUT", f"/api/v1/mailings/{mailing['id']}", mailing_body),
        ("PATCH", "/api/v1/me", {"full_name": "Admin"}),
        ("POST", "/api/v1/posts", {"title": "T", "body": "B"}),
        ("PUT", f"/api/v1/posts/{post['id']}", {"title": "T", "body": "B"}),
        ("POST", "/api/v1/roles", {"name": f"r_{tag}", "permissions": ["stats.view_all"]}),
        ("PUT", f"/api/v1/roles/{role['id']}", {"name": f"cc_{tag}", "permissions": ["stats.view_all"]}),
        ("PUT", f"/api/v1/users/{me['id']}/role", {"role": "admin"}),
    ]
    failures = []
    sent = 0
    for method, path, valid in cases:
        for where, body in mutations(valid):
            status, ctype, raw = call(base, token, method, path, body)
            sent += 1
            if status >= 500 or (status >= 400 and not ctype.startswith("application/problem+json")):
                failures.append(f"{method} {path} {where}={body!r}: {status} {ctype} {raw[:200]!r}")
    # The CSV import: every nasty value in every column, one line each.
    lines = ["email,full_name,comment"]
    for i, nasty in enumerate(NASTY):
        cell = '"' + nasty.replace('"', '""') + '"'
        lines += [f"n{i}-{tag}@example.com,{cell},ok", f"m{i}-{tag}@example.com,ok,{cell}", f"{cell},ok,ok"]
    status, ctype, raw = call(base, token, "POST", "/api/v1/clients/import",
                              "\n".join(lines).encode(), "text/csv")
    sent += 1
    if status != 200:
        failures.append(f"CSV import: {status} {raw[:300]!r}")
    status, _, _ = call(base, token, "GET", "/health/ready")
    if status != 200:
        failures.append(f"/health/ready answers {status} after the run")
    if failures:
        print("\n".join(failures[:50]), file=sys.stderr)
        sys.exit(f"{len(failures)} of {sent} control-character requests failed")
    print(f"control characters: {sent} requests, no 5xx, every error problem+json")


if __name__ == "__main__":
    main()
