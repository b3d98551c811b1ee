#!/usr/bin/env python3
"""Inputs for scripts/scaling.sh: one file per shape of input, N entries each.
Usage: scaling_inputs.py N DIR"""
import json, sys
N = int(sys.argv[1]); out = sys.argv[2]
def w(name, text): open(f"{out}/{name}", "w").write(text)
def lines(objs): return "".join(json.dumps(o) + "\n" for o in objs)
# kane: N steps in one segment, and N segments
ev=[]
for i in range(1,N+1):
    ev += [{"type":"test_md_step_start","step_index":i,"heading":f"s{i}"},{"type":"test_md_step_end","step_index":i,"status":"passed"}]
ev += [{"type":"test_md_summary","overall_status":"passed","steps":{"total":N,"passed":N,"failed":0,"skipped":0}},{"type":"test_md_done","overall_status":"passed"}]
w("kane-steps.ndjson", lines(ev))
ev=[]
for i in range(N):
    ev += [{"type":"test_md_step_start","step_index":1,"heading":"s"},{"type":"test_md_step_end","step_index":1,"status":"failed"},{"type":"test_md_summary","overall_status":"failed","steps":{"total":1,"passed":0,"failed":1,"skipped":0}},{"type":"test_md_done","overall_status":"failed"}]
w("kane-segments.ndjson", lines(ev))
# kane steps all started, never ended
w("kane-open.ndjson", lines([{"type":"test_md_step_start","step_index":i,"heading":f"s{i}"} for i in range(1,N+1)]))
# ctrf: N tests failing; N unknown root keys
tests=[{"name":f"t{i}","status":"failed","duration":1} for i in range(N)]
w("ctrf-tests.json", json.dumps({"reportFormat":"CTRF","specVersion":"0.0.0","results":{"tool":{"name":"jest"},"summary":{"tests":N,"passed":0,"failed":N,"skipped":0,"pending":0,"other":0,"start":1,"stop":2},"tests":tests}}))
doc={"reportFormat":"CTRF","specVersion":"0.0.0"}
for i in range(N): doc[f"k{i}"]=i
doc["results"]={"tool":{"name":"jest"},"summary":{"tests":1,"passed":1,"failed":0,"skipped":0,"pending":0,"other":0,"start":1,"stop":2},"tests":[{"name":"a","status":"passed","duration":1}]}
w("ctrf-keys.json", json.dumps(doc))
# duplicates: each case passed and failed
tests=[]
for i in range(N): tests += [{"name":f"t{i}","status":"passed","duration":1},{"name":f"t{i}","status":"failed","duration":1}]
w("ctrf-dups.json", json.dumps({"reportFormat":"CTRF","specVersion":"0.0.0","results":{"tool":{"name":"jest"},"summary":{"tests":2*N,"passed":N,"failed":N,"skipped":0,"pending":0,"other":0,"start":1,"stop":2},"tests":tests}}))
# tap: N points; N sequential subtests with plans
w("tap-points.tap", f"1..{N}\n" + "".join(f"not ok {i} - t{i}\n" for i in range(1,N+1)))
t=[f"1..{N}\n"]
for i in range(1,N+1): t.append(f"# Subtest: s{i}\n    1..1\n    ok 1 - x\nok {i} - s{i}\n")
w("tap-subtests.tap", "".join(t))
# go: N tests pass; N running never ending; N packages; N subtests of one parent
P="example.com/p"
ev=[]
for i in range(N): ev += [{"Action":"run","Package":P,"Test":f"T{i}"},{"Action":"fail","Package":P,"Test":f"T{i}"}]
ev.append({"Action":"fail","Package":P})
w("go-tests.jsonl", lines(ev))
ev=[{"Action":"run","Package":P,"Test":f"T{i}"} for i in range(N)] + [{"Action":"fail","Package":P}]
w("go-running.jsonl", lines(ev))
ev=[]
for i in range(N): ev += [{"Action":"run","Package":f"p{i}","Test":"T"},{"Action":"pass","Package":f"p{i}","Test":"T"},{"Action":"pass","Package":f"p{i}"}]
w("go-packages.jsonl", lines(ev))
ev=[{"Action":"run","Package":P,"Test":"T"}] + [{"Action":"run","Package":P,"Test":f"T/s{i}"} for i in range(N)] + [{"Action":"fail","Package":P}]
w("go-subtests.jsonl", lines(ev))
# libtest console: N failures with output; N binaries
t=[f"running {N} tests\n"] + [f"test t{i} ... FAILED\n" for i in range(N)] + ["\nfailures:\n\n"] + [f"---- t{i} stdout ----\nboom\n\n" for i in range(N)] + ["\nfailures:\n"] + [f"    t{i}\n" for i in range(N)] + [f"\ntest result: FAILED. 0 passed; {N} failed; 0 ignored; 0 measured; 0 filtered out\n"]
w("libtest-failures.txt", "".join(t))
t=[]
for i in range(N): t.append(f"     Running tests/t{i}.rs (target/debug/deps/t{i}-0123)\n\nrunning 1 test\ntest a ... FAILED\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n\nerror: test failed, to rerun pass `--test t{i}`\n")
w("libtest-binaries.txt", "".join(t))
ev=[{"type":"suite","event":"started","test_count":N}] + [{"type":"test","event":"started","name":f"t{i}"} for i in range(N)] + [{"type":"test","name":f"t{i}","event":"ok"} for i in range(N)] + [{"type":"suite","event":"ok","passed":N,"failed":0,"ignored":0,"measured":0,"filtered_out":0,"exec_time":1}]
w("libtest-json.json", lines(ev))
# pi certification: N gates failing, all in waivers_applied
gates=[{"id":f"g{i}","name":"g","bead":"b","status":"fail","blocking":True,"reproduce_command":"x"} for i in range(N)]
ids=[f"g{i}" for i in range(N)]
audit={"schema":"pi.ci.waiver_audit.v1","generated_at":"2026-03-01T00:00:00Z","total_waivers":N,"active":N,"expired":0,"expiring_soon":0,"invalid":0,
 "waivers":[{"gate_id":f"g{i}","status":"active","detail":None} for i in range(N)],
 "raw_waivers":[{"gate_id":f"g{i}","owner":"o","reason":"r","expires":"2026-12-01","created":"2026-11-01","scope":"full","remove_when":"x","bead":"b"} for i in range(N)]}
w("certification_verdict.json", json.dumps({"schema":"pi.ci.certification_lane.v1","lane":"full","generated_at":"2026-03-01T00:00:00Z","verdict":"pass","policy":"p","gates":gates,"waiver_audit":audit,"waivers_applied":ids,
 "summary":{"total_gates":N,"passed":0,"failed":N,"warned":0,"skipped":0,"waived":N,"blocking_pass":0,"blocking_total":N,"all_blocking_pass":True},"promotion_rules":{"can_promote":True,"blocker_gates":[],"waiver_gates":ids,"conditions":[]}}))
w("preflight_verdict.json", json.dumps({"schema":"pi.ci.preflight_lane.v1","lane":"preflight","generated_at":"2026-03-01T00:00:00Z","verdict":"pass","policy":"p","gates_evaluated":N,"first_failure":None,
 "blocking_gates":gates,"waivers_applied":ids,"summary":{"blocking_pass":0,"blocking_fail":0,"blocking_skip":0,"blocking_waived":N,"blocking_total":N,"fail_fast_triggered":False}}))
# ledger: N records
rec=lambda i: {"schema":"truegreen.ledger.v1","suite":f"s{i}","argv":["bash"],"exit_status":0,"started":"2026-11-20T10:00:00Z","ended":"2026-11-20T10:01:00Z","reports":[]}
w("ledger.jsonl", lines(rec(i) for i in range(N)))
# junit: N failing testcases in one suite; N suites of one passing testcase
cases="".join(f'<testcase classname="c" name="t{i}"><failure message="m">boom</failure></testcase>' for i in range(N))
w("junit-failures.xml", f'<testsuites><testsuite name="s" tests="{N}" failures="{N}">{cases}</testsuite></testsuites>')
suites="".join(f'<testsuite name="s{i}" tests="1"><testcase classname="c{i}" name="t"/></testsuite>' for i in range(N))
w("junit-suites.xml", f'<testsuites tests="{N}">{suites}</testsuites>')
