//! Property: no kane stream containing a failed step ever yields exit 0,
//! whatever its summary claims and whatever exit code the tool reported.

use chrono::NaiveDate;
use proptest::prelude::*;

use truegreen::engine::check_bytes;
use truegreen::parse::ReadOptions;
use truegreen::rules::Policy;

fn exit_code_for(stream: &str, tool_exit: Option<i32>) -> i32 {
    let options = ReadOptions::default();
    let mut policy = Policy::new(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
    policy.run.exit_code = tool_exit;
    check_bytes("run.ndjson", stream.as_bytes(), &options, &policy).exit_code
}

#[derive(Debug, Clone)]
struct Flow {
    steps: Vec<&'static str>,
    claimed: &'static str,
    declared: (u64, u64, u64),
    lie_about_counts: bool,
    with_done: bool,
}

fn flow() -> impl Strategy<Value = Flow> {
    (
        prop::collection::vec(prop::sample::select(vec!["passed", "failed", "skipped"]), 0..6),
        prop::sample::select(vec!["passed", "failed", "cancelled"]),
        (0u64..4, 0u64..4, 0u64..4),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(steps, claimed, declared, lie_about_counts, with_done)| Flow {
            steps,
            claimed,
            declared,
            lie_about_counts,
            with_done,
        })
}

fn render(flows: &[Flow]) -> String {
    let mut out = String::new();
    for flow in flows {
        let mut counts = (0, 0, 0);
        for (i, status) in flow.steps.iter().enumerate() {
            match *status {
                "passed" => counts.0 += 1,
                "failed" => counts.1 += 1,
                _ => {
                    counts.2 += 1;
                    continue; // skipped steps emit no events
                }
            }
            out.push_str(&format!(
                "{{\"type\":\"test_md_step_start\",\"step_index\":{},\"heading\":\"s{i}\"}}\n",
                i + 1
            ));
            out.push_str(&format!(
                "{{\"type\":\"test_md_step_end\",\"step_index\":{},\"status\":\"{status}\"}}\n",
                i + 1
            ));
        }
        let (p, f, s) = if flow.lie_about_counts { flow.declared } else { counts };
        out.push_str(&format!(
            "{{\"type\":\"test_md_summary\",\"overall_status\":\"{}\",\"steps\":{{\"total\":{},\"passed\":{p},\"failed\":{f},\"skipped\":{s}}}}}\n",
            flow.claimed,
            p + f + s
        ));
        if flow.with_done {
            out.push_str(&format!("{{\"type\":\"test_md_done\",\"overall_status\":\"{}\"}}\n", flow.claimed));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_failed_step_never_exits_0(flows in prop::collection::vec(flow(), 1..4), tool_exit in prop::option::of(0i32..3)) {
        let stream = render(&flows);
        let code = exit_code_for(&stream, tool_exit);
        let any_failed = flows.iter().any(|f| f.steps.contains(&"failed") || (f.lie_about_counts && f.declared.1 > 0));
        if any_failed {
            prop_assert_ne!(code, 0, "stream:\n{}", stream);
        }
        // An honest, complete, all-pass stream with a matching exit code passes.
        let honest = flows.iter().all(|f| !f.lie_about_counts && f.with_done && f.claimed == "passed"
            && f.steps.contains(&"passed") && !f.steps.contains(&"failed"));
        if honest && tool_exit.unwrap_or(0) == 0 {
            prop_assert_eq!(code, 0, "stream:\n{}", stream);
        }
    }
}
