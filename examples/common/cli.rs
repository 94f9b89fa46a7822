//! curl-like command-line arguments, shared by the examples.

use std::net::IpAddr;

use redirects::{AddressSpace, Method, Policy, Rules};

use super::cookies;
use super::driver::{Options, Resolve};

/// What `--help` prints.
pub const USAGE: &str = "\
usage: cargo run --example follow -- [OPTION]... [URL]
   or: cargo run -p redirects-example-tokio -- [OPTION]... [URL]
with no URL, runs a self-contained demo on 127.0.0.1

  -X, --request METHOD     the first request's method (default GET, or POST with -d)
  -d, --data BODY          a request body; as curl, it means POST with a form Content-Type
  -H, --header 'Name: v'   a header of the first request (repeatable)
  --max-redirs N           the redirect limit (default: the profile's)
  --profile NAME           fetch (default), strict or curl
  --block-private          refuse to go into a less public address space than the first
                           URL's (local < private < public): a redirect to such a host,
                           and a connection to such an address (on under --profile strict)
  --start-space SPACE      declare the first URL's space: public, private or local
                           (default: an IP address's own, local for localhost, public for
                           any other name)
  --resolve HOST:PORT:ADDR[,ADDR]...
                           connect to ADDR for HOST:PORT instead of asking DNS, as curl's
                           --resolve (IPv6 in brackets; repeatable)
  -b, --cookie FILE        turn the cookie engine on, starting with the cookies of FILE
                           (curl's Netscape format; a missing file is an empty jar): every
                           response's Set-Cookie is stored against its request's URL, every
                           request carries the jar's Cookie for its own URL
  -c, --cookie-jar FILE    turn the cookie engine on and write the jar to FILE at the end

Private networks: before every connection, every address about to be tried is checked
(Follow::check_address); if one is in a less public space than the chain started in, the
chain ends with private_target and no connection is made. One exception, for a chain that
starts on a loopback server under a name declared public (as in tests): with --start-space,
the --resolve addresses of the first URL's own host and port are taken to be in the
declared space and are not checked. Addresses from DNS, and --resolve addresses of any other
host or port, are always checked; without --start-space, so are the first host's. E.g.
  follow --block-private --start-space public \\
    --resolve public.test:8080:127.0.0.1 --resolve internal.test:9090:127.0.0.1 \\
    'http://public.test:8080/redirect-to?url=http://internal.test:9090/'
connects to public.test and refuses the redirect: internal.test is 127.0.0.1, local.";

/// The space named `name`.
fn space(name: &str) -> Result<AddressSpace, String> {
    match name {
        "public" => Ok(AddressSpace::Public),
        "private" => Ok(AddressSpace::Private),
        "local" => Ok(AddressSpace::Local),
        _ => Err(format!("--start-space {name:?}: public, private or local")),
    }
}

/// Parses curl's `--resolve HOST:PORT:ADDR[,ADDR]...` (a bracketed IPv6 host or address
/// too).
pub fn parse_resolve(arg: &str) -> Result<Resolve, String> {
    let bad = || format!("--resolve {arg:?}: want HOST:PORT:ADDR[,ADDR]...");
    let (host, rest) = match arg.strip_prefix('[') {
        Some(rest) => rest.split_once("]:").ok_or_else(bad)?,
        None => arg.split_once(':').ok_or_else(bad)?,
    };
    let (port, addrs) = rest.split_once(':').ok_or_else(bad)?;
    let port = port.parse::<u16>().map_err(|_| bad())?;
    let addrs = addrs
        .split(',')
        .map(|a| {
            let a = a
                .strip_prefix('[')
                .and_then(|a| a.strip_suffix(']'))
                .unwrap_or(a);
            a.parse::<IpAddr>().map_err(|_| bad())
        })
        .collect::<Result<Vec<_>, _>>()?;
    if host.is_empty() {
        return Err(bad());
    }
    Ok(Resolve {
        host: host.to_owned(),
        port,
        addrs,
    })
}

/// Parses curl-like arguments. `Ok(None)`: no URL, run the demo.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
    let mut args = args.into_iter();
    let (mut method, mut url, mut headers, mut body, mut max) = (None, None, vec![], None, None);
    let (mut rules, mut block_private, mut start_space, mut resolve) =
        (&Rules::FETCH, false, None, vec![]);
    let (mut cookie_in, mut cookie_out) = (None, None);
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
            "--profile" => {
                let name = value("fetch, strict or curl")?;
                rules = Rules::from_name(&name)
                    .ok_or(format!("--profile {name:?}: fetch, strict or curl"))?;
            }
            "--block-private" => block_private = true,
            "--start-space" => start_space = Some(space(&value("public, private or local")?)?),
            "--resolve" => resolve.push(parse_resolve(&value("HOST:PORT:ADDR")?)?),
            "-b" | "--cookie" => {
                let file = value("a cookie file")?;
                if file.contains('=') {
                    return Err(format!(
                        "-b {file:?}: only a cookie file here (curl's NAME=VALUE form is not \
                         supported)"
                    ));
                }
                cookie_in = Some(file);
            }
            "-c" | "--cookie-jar" => cookie_out = Some(value("a cookie file")?),
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
    opts.policy = Policy::new(rules);
    if let Some(max) = max {
        opts.policy = opts.policy.with_max_redirects(max);
    }
    if block_private {
        opts.policy = opts.policy.with_block_private_targets(true);
    }
    opts.start_space = start_space;
    opts.resolve = resolve;
    if cookie_in.is_some() || cookie_out.is_some() {
        if opts
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        {
            return Err("-H 'Cookie: ..' with -b/-c: the jar owns the Cookie header".into());
        }
        let jar = match &cookie_in {
            Some(file) => cookies::load(file).map_err(|e| format!("-b {file:?}: {e}"))?,
            None => cookies::new_jar(),
        };
        opts.jar = Some(jar);
        opts.cookie_out = cookie_out;
    }
    Ok(Some(opts))
}

/// The command line, for `prog`, that [`parse_args`] reads back into `opts`' request:
/// `-X` unless the method follows from the body, each `-H`, `-d`, `--profile` unless it is
/// `fetch`, `--max-redirs` and `--block-private` unless they are the profile's default,
/// `--start-space`, each `--resolve`, the URL; quoted for a POSIX shell where needed. A
/// body that is not UTF-8 is shown lossily (the command then sends other bytes), and a
/// policy the options cannot say (private targets allowed under `strict`) is not either,
/// nor is a cookie jar (`-b`, `-c`: its cookies are no argument).
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
    let rules = opts.policy.rules();
    let profile = Policy::new(rules);
    if rules != &Rules::FETCH {
        args.extend(["--profile".into(), rules.name().to_owned()]);
    }
    let max = opts.policy.max_redirects();
    if max != profile.max_redirects() {
        args.extend(["--max-redirs".into(), max.to_string()]);
    }
    if opts.policy.block_private_targets() && !profile.block_private_targets() {
        args.push("--block-private".into());
    }
    if let Some(space) = opts.start_space {
        args.extend(["--start-space".into(), space.name().to_owned()]);
    }
    for entry in &opts.resolve {
        let bracket = |s: String| if s.contains(':') { format!("[{s}]") } else { s };
        let addrs: Vec<String> = entry
            .addrs
            .iter()
            .map(|ip| bracket(ip.to_string()))
            .collect();
        let host = bracket(entry.host.clone());
        args.extend([
            "--resolve".into(),
            format!("{host}:{}:{}", entry.port, addrs.join(",")),
        ]);
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
    fn cookie_arguments() {
        let parse = |a: &[&str]| parse_args(args(a)).map(|o| o.unwrap());
        let o = parse(&["http://h/"]).unwrap();
        assert!(
            o.jar.is_none() && o.cookie_out.is_none(),
            "no -b/-c: no cookie engine"
        );
        // A -b file that does not exist is an empty jar, as for curl.
        let missing = std::env::temp_dir().join(format!("no-such-jar-{}", std::process::id()));
        let missing = missing.to_string_lossy().into_owned();
        let o = parse(&["-b", &missing, "http://h/"]).unwrap();
        assert!(o.jar.as_ref().is_some_and(|j| j.is_empty()) && o.cookie_out.is_none());
        let o = parse(&["--cookie-jar", "out.txt", "http://h/"]).unwrap();
        assert!(o.jar.is_some());
        assert_eq!(o.cookie_out.as_deref(), Some("out.txt"));
        // curl's `-b NAME=VALUE` is not supported; the jar owns the Cookie header.
        assert!(parse(&["-b", "a=1", "http://h/"]).is_err());
        assert!(parse(&["-c", "j", "-H", "Cookie: a=1", "http://h/"]).is_err());
        assert!(parse(&["-H", "Cookie: a=1", "http://h/"]).is_ok());
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

    #[test]
    fn private_network_arguments() {
        let o = parse_args(args(&["http://h/"])).unwrap().unwrap();
        assert_eq!(o.policy.rules(), &Rules::FETCH);
        assert!(!o.policy.block_private_targets());
        assert_eq!((o.start_space, o.resolve.len()), (None, 0));
        // strict blocks them by itself; --block-private turns it on under any profile.
        let o = parse_args(args(&["--profile", "strict", "http://h/"]))
            .unwrap()
            .unwrap();
        assert!(o.policy.block_private_targets());
        assert_eq!(o.policy.max_redirects(), 10);
        let o = parse_args(args(&[
            "--max-redirs",
            "3",
            "--block-private",
            "--profile",
            "curl",
            "http://h/",
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(o.policy.rules(), &Rules::CURL);
        assert!(o.policy.block_private_targets());
        assert_eq!(o.policy.max_redirects(), 3, "whatever the order");
        let o = parse_args(args(&[
            "--start-space",
            "private",
            "--resolve",
            "Public.Test:8080:127.0.0.1,[::1]",
            "--resolve",
            "[::1]:80:10.0.0.1",
            "http://h/",
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(o.start_space, Some(AddressSpace::Private));
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(
            o.resolve,
            [
                Resolve {
                    host: "Public.Test".into(),
                    port: 8080,
                    addrs: vec![ip("127.0.0.1"), ip("::1")],
                },
                Resolve {
                    host: "::1".into(),
                    port: 80,
                    addrs: vec![ip("10.0.0.1")],
                },
            ]
        );
        assert!(o.resolve[0].matches("public.test", 8080));
        assert!(!o.resolve[0].matches("public.test", 80));
        for bad in [
            &["--profile", "chrome", "http://h/"][..],
            &["--start-space", "intranet", "http://h/"],
            &["--resolve", "h:80", "http://h/"],
            &["--resolve", "h:port:127.0.0.1", "http://h/"],
            &["--resolve", "h:80:localhost", "http://h/"],
            &["--resolve", ":80:127.0.0.1", "http://h/"],
            &["--resolve"],
        ] {
            assert!(parse_args(args(bad)).is_err(), "{bad:?}");
        }
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
        let (a, b) = ("127.0.0.1:1".parse().unwrap(), "[::1]:2".parse().unwrap());
        all.push(super::super::demo::private_chain(a, b).1);
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
            &["--profile", "strict", "--max-redirs", "10", "http://h/"],
            &[
                "--profile",
                "curl",
                "--block-private",
                "--start-space",
                "local",
                "--resolve",
                "h:80:127.0.0.1,[::1]",
                "--resolve",
                "[::1]:8080:10.0.0.1",
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
            assert_eq!(back.policy.rules(), opts.policy.rules(), "{line}");
            assert_eq!(
                back.policy.block_private_targets(),
                opts.policy.block_private_targets(),
                "{line}"
            );
            assert_eq!(
                (back.start_space, &back.resolve),
                (opts.start_space, &opts.resolve),
                "{line}"
            );
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
