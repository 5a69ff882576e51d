#!/usr/bin/env python3
"""A small SMSP client for `smsp test client --drive`, used by the end-to-end tests.

It builds each request with `smsp request`, optionally spoils it the way a faulty client would,
and posts it over mutual TLS. Usage (the --drive template fills the braces):

  client.py SMSP_BINARY FAULT STATE_FILE URL CA CERT KEY ACTION USER NHS SURNAME GENDER DOB

FAULT is one of: none, omit-audit-identity, local-time, reuse-superseded.
Like a real client it keeps a local record (STATE_FILE) of superseded numbers, unless FAULT is
reuse-superseded.
"""
import json, re, ssl, subprocess, sys, urllib.request

smsp, fault, state_file, url, ca, cert, key, action, user, nhs, surname, gender, dob = sys.argv[1:14]
try:
    state = json.load(open(state_file))
except (OSError, ValueError):
    state = {"replaced": {}}
if nhs in state["replaced"] and fault != "reuse-superseded":
    nhs = state["replaced"][nhs]

operation = {"verify": "verifyNHSNumber", "details": "getPatientDetailsByNHSNumber"}.get(action, "getPatientDetailsBySearch")
args = [smsp, "request", operation, "--to", url, "--username", user,
        "--audit-identity", f"urn:nhs-uk:identity:ods:X09:USR:{user}"]
if dob:
    args += ["--birth-date", dob]
if operation == "getPatientDetailsBySearch":
    args += ["--surname", surname, "--gender", gender]
elif nhs:
    args += ["--nhs-number", nhs]
body = subprocess.run(args, check=True, capture_output=True, text=True).stdout

if fault == "omit-audit-identity":
    body = re.sub(r"<itk:auditIdentity>.*?</itk:auditIdentity>", "", body, flags=re.S)
elif fault == "local-time":
    body = re.sub(r"(<wsu:(Created|Expires)>[^<]*?)Z<", r"\1<", body)

context = ssl.create_default_context(cafile=ca)
context.load_cert_chain(cert, key)
request = urllib.request.Request(url, data=body.encode(), headers={"Content-Type": "text/xml; charset=UTF-8"})
try:
    answer = urllib.request.urlopen(request, context=context, timeout=10).read().decode()
except urllib.error.HTTPError as e:
    answer = e.read().decode()
code = re.search(r'<(?:\w+:)?value code="([A-Z]+-\d{4})"', answer)
if code and code.group(1) == "DEMOG-0017":
    new = re.findall(r'extension="(\d{10})"', answer)
    if new and new[-1] != nhs:
        state["replaced"][nhs] = new[-1]
json.dump(state, open(state_file, "w"))
print(code.group(1) if code else answer[:200])
