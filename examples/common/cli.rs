//! curl-like command-line arguments, shared by the examples.

use redirects::{Method, Policy};

use super::driver::Options;

/// What `--help` prints.
pub const USAGE: &str = "\
usage: cargo run --example follow -- [-X METHOD] [-d BODY] [-H 'Name: value']... [--max-redirs N] [URL]
   or: cargo run -p redirects-example-tokio -- (the same arguments)
with no URL, runs a self-contained demo on 127.0.0.1";

/// Parses curl-like arguments. `Ok(None)`: no URL, run the demo.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
    let mut args = args.into_iter();
    let (mut method, mut url, mut headers, mut body, mut max) = (None, None, vec![], None, None);
    while let Some(arg) = args.next() {
        let mut value = |what: &str| args.next().ok_or(format!("{arg} needs {what}"));
        match arg.as_str() {
            "-X" | "--request" => method = Some(value("a method")?),
            "-d" | "--data" => body = Some(value("a body")?),
            "-H" | "--header" => {
                let h = value("'Name: value'")?;
                let (name, v) = h.split_once(':').ok_or(format!("bad header {h:?}"))?;
                headers.push((name.trim().to_owned(), v.trim().to_owned()));
            }
            "--max-redirs" => {
                max = Some(
                    value("a number")?
                        .parse::<u32>()
                        .map_err(|e| e.to_string())?,
                )
            }
            "-h" | "--help" => return Err(USAGE.into()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            _ if url.is_some() => return Err(format!("only one URL, please\n{USAGE}")),
            _ => url = Some(arg),
        }
    }
    let Some(url) = url else { return Ok(None) };
    // As curl: -d means POST (unless -X says otherwise) with a form Content-Type.
    let method = match (&method, &body) {
        (Some(m), _) => Method::parse(m).map_err(|e| format!("{m:?}: {e}"))?,
        (None, Some(_)) => Method::Post,
        (None, None) => Method::Get,
    };
    let mut opts = Options::new(method, &url);
    if body.is_some()
        && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
    }
    opts.headers = headers;
    opts.body = body.map(String::into_bytes);
    if let Some(max) = max {
        opts.policy = Policy::fetch().with_max_redirects(max);
    }
    Ok(Some(opts))
}

/// The command line, for `prog`, that [`parse_args`] reads back into `opts`' request:
/// `-X` unless the method follows from the body, each `-H`, `-d`, `--max-redirs` unless it
/// is the default, the URL; quoted for a POSIX shell where needed. A body that is not
/// UTF-8 is shown lossily (the command then sends other bytes).
pub fn command_line(prog: &str, opts: &Options) -> String {
    let mut args = vec![prog.to_owned()];
    let implied = if opts.body.is_some() {
        Method::Post
    } else {
        Method::Get
    };
    if opts.method != implied {
        args.extend(["-X".into(), opts.method.as_str().to_owned()]);
    }
    for (name, value) in &opts.headers {
        args.extend(["-H".into(), format!("{name}: {value}")]);
    }
    if let Some(body) = &opts.body {
        args.extend(["-d".into(), String::from_utf8_lossy(body).into_owned()]);
    }
    let max = opts.policy.max_redirects();
    if max != Policy::fetch().max_redirects() {
        args.extend(["--max-redirs".into(), max.to_string()]);
    }
    args.push(opts.url.clone());
    let quoted: Vec<String> = args.iter().map(|a| shell_quote(a)).collect();
    quoted.join(" ")
}

/// `arg` as one word for a POSIX shell.
fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn curl_like_arguments() {
        assert!(parse_args(args(&[])).unwrap().is_none());
        let o = parse_args(args(&["-d", "a=1", "-H", "X-A: b", "http://h/"]))
            .unwrap()
            .unwrap();
        assert_eq!(o.method, Method::Post);
        assert_eq!(
            o.headers[1],
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into()
            )
        );
        let o = parse_args(args(&[
            "-X",
            "PUT",
            "-d",
            "x",
            "-H",
            "content-type: a/b",
            "http://h/",
        ]))
        .unwrap()
        .unwrap();
        assert_eq!((o.method, o.headers.len()), (Method::Put, 1));
        assert!(parse_args(args(&["-X"])).is_err());
        assert!(parse_args(args(&["--nope", "http://h/"])).is_err());
    }

    /// Splits a command line the way a POSIX shell does for the quoting `shell_quote` uses.
    fn shell_words(line: &str) -> Vec<String> {
        let (mut words, mut word, mut quoted, mut any) = (vec![], String::new(), false, false);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' => {
                    quoted = !quoted;
                    any = true;
                }
                '\\' if !quoted => word.extend(chars.next()),
                ' ' if !quoted => {
                    if any || !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                    any = false;
                }
                c => word.push(c),
            }
        }
        if any || !word.is_empty() {
            words.push(word);
        }
        words
    }

    #[test]
    fn command_line_reads_back() {
        let demo = super::super::demo::chains("http://127.0.0.1:1");
        let mut all: Vec<Options> = demo.into_iter().map(|(_, o)| o).collect();
        for line in [
            &["http://h/a?b=1&c"][..],
            &[
                "-X",
                "DELETE",
                "-H",
                "Authorization: Bearer it's",
                "http://h/",
            ],
            &["-d", "", "http://h/"],
            &["-X", "GET", "-d", "x y", "--max-redirs", "3", "http://h/"],
            &[
                "-X",
                "PUT",
                "-H",
                "Content-Type: a/b",
                "-d",
                "{\"a\": 1}",
                "http://h/",
            ],
        ] {
            all.push(parse_args(args(line)).unwrap().unwrap());
        }
        for opts in all {
            let line = command_line("follow", &opts);
            let words = shell_words(&line);
            assert_eq!(words[0], "follow", "{line}");
            let back = parse_args(words.into_iter().skip(1)).unwrap().unwrap();
            assert_eq!(
                (back.method, &back.url, &back.headers, &back.body),
                (opts.method, &opts.url, &opts.headers, &opts.body),
                "{line}"
            );
            assert_eq!(back.policy.max_redirects(), opts.policy.max_redirects());
        }
        let line = command_line(
            "follow",
            &parse_args(args(&["-d", "it's", "http://h/"]))
                .unwrap()
                .unwrap(),
        );
        assert_eq!(
            line,
            r"follow -H 'Content-Type: application/x-www-form-urlencoded' -d 'it'\''s' http://h/"
        );
    }
}
