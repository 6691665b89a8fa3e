//! The README's quick start, run as written: its shell commands in an empty
//! folder, and its plugin snippets, which must be the example's own code.

use crate::support::{cli, workdir};

const README: &str = include_str!("../../../README.md");

/// The fenced blocks of `lang` in the README section titled `heading`.
fn blocks(heading: &str, lang: &str) -> Vec<String> {
    let start = README
        .find(heading)
        .unwrap_or_else(|| panic!("README has no `{heading}`"));
    let section = &README[start..];
    let end = section[heading.len()..]
        .find("\n## ")
        .map_or(section.len(), |i| i + heading.len());
    let mut out = Vec::new();
    let mut rest = &section[..end];
    let fence = format!("```{lang}\n");
    while let Some(i) = rest.find(&fence) {
        let body = &rest[i + fence.len()..];
        let close = body.find("```").expect("a closed code block");
        out.push(body[..close].to_string());
        rest = &body[close..][3..];
    }
    out
}

#[test]
fn quick_start_commands_work_in_an_empty_folder() {
    let commands = blocks("## Quick start", "sh");
    let lines: Vec<&str> = commands
        .iter()
        .flat_map(|b| b.lines())
        .filter(|l| l.starts_with("invect-cli "))
        .collect();
    assert_eq!(
        lines.len(),
        2,
        "the quick start should show two commands: {lines:?}"
    );
    let dir = workdir();
    for line in &lines {
        let args: Vec<&str> = line.split_whitespace().skip(1).collect();
        cli(dir.path(), &args).ok();
    }
    assert!(
        dir.path().join("dev.db").is_file(),
        "the quick start made no dev.db"
    );
}

#[test]
fn plugin_snippets_are_the_examples_code() {
    let sources = ["main.rs", "tags.rs"]
        .map(|f| {
            std::fs::read_to_string(format!(
                "{}/../examples/plugin-cli/src/{f}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .expect(f)
        })
        .join("\n");
    let snippets = blocks("## Quick start", "rust,ignore");
    assert_eq!(snippets.len(), 2, "two plugin snippets expected");
    for snippet in snippets {
        assert!(
            sources.contains(&snippet),
            "README snippet is not in examples/plugin-cli:\n{snippet}"
        );
    }
}
