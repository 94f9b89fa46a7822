//! The shape of `src/`: no file holds more than 600 lines of code, so that each keeps to
//! one job (the README's "Architecture" section names them).
//!
//! Lines of code are counted as `tokei` counts them: a line that is blank, or holds only a
//! comment (`//`, `///`, `//!`), is not code. A file's unit tests (a `#[cfg(test)]` module
//! at its end, or a `tests.rs` beside it) do not count.

use std::fs;
use std::path::{Path, PathBuf};

const MAX_CODE_LINES: usize = 600;

/// The lines of code in `text` before its unit-test module.
fn code_lines(text: &str) -> usize {
    let mut lines = text.lines().peekable();
    let mut code = 0;
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        code += 1;
    }
    code
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            out.push(path);
        }
    }
}

#[test]
fn counting_skips_blank_lines_comments_and_the_test_module() {
    let text = "//! docs\n\nfn a() {}\n    // note\n/// doc\nfn b() {}\n#[cfg(test)]\nmod tests {\n fn c() {}\n}\n";
    assert_eq!(code_lines(text), 2);
    // A `#[cfg(test)]` item that is not the test module is code, and counting goes on.
    let text = "#[cfg(test)]\nfn helper() {}\nfn d() {}\n";
    assert_eq!(code_lines(text), 3);
}

#[test]
fn no_source_file_is_over_600_lines_of_code() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 10, "found only {files:?}");
    let mut over: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let n = code_lines(&fs::read_to_string(path).expect("a readable source file"));
            (n > MAX_CODE_LINES).then(|| format!("{}: {n}", path.display()))
        })
        .collect();
    over.sort();
    assert!(
        over.is_empty(),
        "files over {MAX_CODE_LINES} lines of code: {over:#?}"
    );
}
