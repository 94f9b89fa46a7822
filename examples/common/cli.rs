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
}
