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

#[test]
fn install_line_uses_the_lock_file() {
    let install = blocks("## The command line", "sh").concat();
    assert!(
        install.contains("cargo install --locked --path invect-cli"),
        "{install}"
    );
}

/// The README's `invect.toml` parses, and names every key the file can have:
/// each key of the parsed config (serialized back, camelCase) is written in it.
#[test]
fn invect_toml_section_has_every_key() {
    let toml = blocks("## The command line", "toml");
    assert_eq!(toml.len(), 1, "one invect.toml block expected");
    let config = invect_runtime::InvectConfig::from_toml_str(&toml[0])
        .unwrap_or_else(|e| panic!("the README's invect.toml: {e}"));
    let written: Vec<&str> = toml[0]
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k.trim())
        .collect();
    let value = serde_json::to_value(&config).expect("the config as JSON");
    let mut keys: Vec<String> = Vec::new();
    if let Some(top) = value.as_object() {
        for (k, v) in top {
            match v.as_object() {
                Some(table) => keys.extend(table.keys().cloned()),
                None => keys.push(k.clone()),
            }
        }
    }
    assert!(keys.len() >= 6, "{keys:?}");
    for key in &keys {
        assert!(
            written.contains(&key.as_str()),
            "README's invect.toml lacks `{key}`"
        );
    }
}
