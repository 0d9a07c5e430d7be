//! Real servers for the mail tests, each started by the test that needs it
//! on a free port of 127.0.0.1 with a configuration of its own in a temp
//! folder, and stopped (by its pid) when the test is done: Dovecot (Debian
//! `dovecot-imapd`) and an SMTP sink (PyPI `aiosmtpd`). Plus a TCP relay
//! that cuts the connection after a given number of bytes, to drop a
//! mailbox connection in the middle of a batch.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{require_tool, root};

/// The test mailbox's user and password (the password is what tests look
/// for in every output and file afterwards).
pub const USER: &str = "rczx";
pub const PASSWORD: &str = "Pw-7q9ZtX3-never-printed";

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// Wait until something listens on `port` (or `child` dies).
fn wait_listening(port: u16, child: &mut Child, what: &str, log: &Path) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "{what} exited ({status}) before listening: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} is not listening on port {port} after 20 s");
}

/// Stop a child we started: SIGTERM, then wait for it.
fn stop(child: &mut Child) {
    if let Ok(None) = child.try_wait() {
        // SAFETY: kill(2) on the pid of a child we started; no memory is involved.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM);
        }
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// Dovecot serving one user's maildir over IMAP (or IMAPS with a
/// self-signed certificate for 127.0.0.1).
pub struct Dovecot {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub tls: bool,
    child: Option<Child>,
}

impl Dovecot {
    pub fn start(tls: bool) -> Dovecot {
        for tool in ["dovecot", "doveadm"] {
            require_tool(tool);
        }
        let dir = tempfile::tempdir().expect("temp dir");
        // The imap processes run as the dovecot user and must reach the maildir.
        chmod(dir.path(), 0o755);
        for sub in ["base", "state", "mail"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("dovecot folders");
        }
        let status = Command::new("chown")
            .args(["dovecot:dovecot"])
            .arg(dir.path().join("mail"))
            .status()
            .expect("chown runs");
        assert!(
            status.success(),
            "the maildir must belong to dovecot (run the tests as root)"
        );
        let hash = Command::new("doveadm")
            .args(["pw", "-s", "SHA512-CRYPT", "-p", PASSWORD])
            .output()
            .expect("doveadm pw runs");
        let hash = String::from_utf8_lossy(&hash.stdout).trim().to_string();
        std::fs::write(dir.path().join("passwd"), format!("{USER}:{hash}\n")).expect("passwd");
        if tls {
            self_signed(dir.path());
        }
        let mut d = Dovecot {
            port: free_port(),
            dir,
            tls,
            child: None,
        };
        d.write_config();
        d.run();
        d
    }

    /// The certificate the server presents (TLS only).
    pub fn cert(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    /// The `[mail] imap` address of this server.
    pub fn url(&self) -> String {
        if self.tls {
            format!("imaps://127.0.0.1:{}", self.port)
        } else {
            format!("imap://127.0.0.1:{}", self.port)
        }
    }

    fn conf(&self) -> PathBuf {
        self.dir.path().join("dovecot.conf")
    }

    fn write_config(&self) {
        let d = self.dir.path().display();
        let (ssl, listeners) = if self.tls {
            (
                format!("ssl = required\nssl_cert = <{d}/cert.pem\nssl_key = <{d}/key.pem\n"),
                format!(
                    "  inet_listener imap {{\n    port = 0\n  }}\n  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {}\n  }}\n",
                    self.port
                ),
            )
        } else {
            (
                "ssl = no\n".to_string(),
                format!(
                    "  inet_listener imap {{\n    address = 127.0.0.1\n    port = {}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n",
                    self.port
                ),
            )
        };
        let conf = format!(
            "base_dir = {d}/base\nstate_dir = {d}/state\nlisten = 127.0.0.1\nprotocols = imap\n{ssl}\
             disable_plaintext_auth = no\nauth_mechanisms = plain login\n\
             mail_location = maildir:{d}/mail/%u\nfirst_valid_uid = 100\nlog_path = {d}/dovecot.log\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=SHA512-CRYPT {d}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid=dovecot gid=dovecot home={d}/mail/%u\n}}\n\
             service imap-login {{\n{listeners}  chroot =\n}}\nservice anvil {{\n  chroot =\n}}\n"
        );
        std::fs::write(self.conf(), conf).expect("dovecot.conf");
    }

    fn run(&mut self) {
        let log = self.dir.path().join("dovecot.log");
        let mut child = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(self.conf())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dovecot starts");
        wait_listening(self.port, &mut child, "dovecot", &log);
        self.child = Some(child);
    }

    /// Stop the server (the maildir stays).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            stop(&mut child);
        }
    }

    /// Start it again on the same port with the same mail.
    pub fn restart(&mut self) {
        self.stop();
        self.run();
    }

    /// Run the Python IMAP client (`tests/servers/imap_client.py`) against
    /// this server; returns its standard output.
    pub fn client(&self, args: &[&str]) -> String {
        require_tool("python3");
        let mut cmd = Command::new("python3");
        cmd.arg(root().join("tests/servers/imap_client.py"))
            .arg(self.port.to_string())
            .arg(USER)
            .arg(if self.tls { "tls" } else { "plain" })
            .args(args)
            .env("JUCAI_TEST_IMAP_PASSWORD", PASSWORD);
        if self.tls {
            cmd.env("JUCAI_TEST_IMAP_CA", self.cert());
        }
        let out = cmd.output().expect("python3 runs");
        assert!(
            out.status.success(),
            "imap_client.py {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A self-signed certificate for 127.0.0.1 (`cert.pem`, `key.pem` in `dir`).
pub fn self_signed(dir: &Path) {
    certificate(dir, "127.0.0.1", "IP:127.0.0.1", 2);
    chmod(&dir.join("key.pem"), 0o644);
}

/// A self-signed server certificate for `name` (`alt`: its subjectAltName,
/// e.g. `DNS:rencai.example.gov.cn`), valid `days` days: `cert.pem` and
/// `key.pem` in `dir`.
pub fn certificate(dir: &Path, name: &str, alt: &str, days: u32) {
    require_tool("openssl");
    let status = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes"])
        .args(["-days", &days.to_string(), "-subj", &format!("/CN={name}")])
        .args(["-addext", &format!("subjectAltName={alt}")])
        // A server's own certificate, not a CA's (webpki refuses a CA
        // certificate presented as the server's).
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl made the certificate");
}

/// aiosmtpd on 127.0.0.1 requiring AUTH with [`USER`] and [`PASSWORD`],
/// writing what it accepts into `dir` (`tests/servers/smtp_sink.py`).
pub struct SmtpSink {
    pub dir: tempfile::TempDir,
    pub port: u16,
    child: Child,
}

/// One message the sink accepted.
pub struct Accepted {
    pub from: String,
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

impl SmtpSink {
    /// Start the sink; it refuses (550) the recipients in `refuse`.
    pub fn start(refuse: &[&str]) -> SmtpSink {
        SmtpSink::launch(refuse, true)
    }

    /// A sink that offers no AUTH and takes mail from anyone (a relay
    /// inside the bureau's network).
    pub fn start_without_auth() -> SmtpSink {
        SmtpSink::launch(&[], false)
    }

    fn launch(refuse: &[&str], auth: bool) -> SmtpSink {
        require_tool("python3");
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let log = dir.path().join("sink.log");
        let mut child = Command::new("python3")
            .arg(root().join("tests/servers/smtp_sink.py"))
            .arg(port.to_string())
            .arg(dir.path())
            .arg(USER)
            .env("JUCAI_SINK_PASSWORD", PASSWORD)
            .env("JUCAI_SINK_REFUSE", refuse.join(","))
            .env("JUCAI_SINK_AUTH", if auth { "1" } else { "0" })
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("sink log"))
            .spawn()
            .expect("python3 starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        assert!(
            line.trim() == "ready",
            "the SMTP sink did not start (is aiosmtpd installed? `pip install aiosmtpd`; \
             scripts/test installs it): {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        wait_listening(port, &mut child, "smtp sink", &log);
        SmtpSink { dir, port, child }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message accepted so far, in order.
    pub fn accepted(&self) -> Vec<Accepted> {
        let mut stems: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("sink dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        stems.sort();
        stems
            .into_iter()
            .map(|eml| {
                let meta: serde_json::Value = serde_json::from_str(
                    &std::fs::read_to_string(eml.with_extension("json")).expect("envelope"),
                )
                .expect("envelope json");
                Accepted {
                    from: meta["from"].as_str().unwrap_or_default().to_string(),
                    to: meta["to"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default(),
                    raw: std::fs::read(&eml).expect("message"),
                }
            })
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// A relay from a port of its own to `target`, cutting both directions
/// once `budget` bytes have come back from the server.
pub struct Cutter {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl Cutter {
    pub fn start(target: u16, budget: usize) -> Cutter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let port = listener.local_addr().expect("relay address").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let _ = client.set_nonblocking(false);
                        relay(client, target, budget);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Cutter { port, stop }
    }
}

impl Drop for Cutter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn relay(client: TcpStream, target: u16, budget: usize) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
        return;
    };
    let (mut c_read, mut s_write) = (
        client.try_clone().expect("clone"),
        server.try_clone().expect("clone"),
    );
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut c_read, &mut s_write);
    });
    let (mut s_read, mut c_write) = (server, client);
    let mut left = budget;
    let mut buf = [0u8; 4096];
    loop {
        let n = match s_read.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let n = n.min(left);
        if c_write.write_all(&buf[..n]).is_err() {
            break;
        }
        left -= n;
        if left == 0 {
            break;
        }
    }
    let _ = c_write.shutdown(Shutdown::Both);
    let _ = s_read.shutdown(Shutdown::Both);
}

/// One mail provider's IMAP rule, kept by [`ImapProxy`] in front of Dovecot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapRule {
    /// NetEase 163/126 and Coremail: a Coremail greeting without
    /// capabilities, and SELECT or EXAMINE answered `NO SELECT Unsafe
    /// Login. Please contact kefu@188.com for help` until the client has
    /// sent an RFC 2971 ID after logging in.
    IdBeforeSelect,
    /// The same server with IMAP access switched off in the mailbox's
    /// settings: SELECT and EXAMINE are refused whatever the client sends.
    UnsafeAlways,
    /// QQ Mail: ID is not listed in CAPABILITY, and a client that sends it
    /// anyway is disconnected.
    NoId,
}

/// A loopback proxy that keeps one provider's rule in front of Dovecot,
/// and notes the command names each client sent (never their arguments).
pub struct ImapProxy {
    pub port: u16,
    commands: Arc<std::sync::Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl ImapProxy {
    pub fn start(target: u16, rule: ImapRule) -> ImapProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().expect("proxy address").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = Arc::new(AtomicBool::new(false));
        let commands = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (stopping, seen) = (stop.clone(), commands.clone());
        std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let _ = client.set_nonblocking(false);
                        let seen = seen.clone();
                        std::thread::spawn(move || proxy_imap(client, target, rule, &seen));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        ImapProxy {
            port,
            commands,
            stop,
        }
    }

    /// `imap://127.0.0.1:PORT` of the proxy.
    pub fn url(&self) -> String {
        format!("imap://127.0.0.1:{}", self.port)
    }

    /// The command names clients sent, in order (LOGIN, CAPABILITY, ID, …).
    pub fn commands(&self) -> Vec<String> {
        self.commands.lock().expect("commands").clone()
    }
}

impl Drop for ImapProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

const COREMAIL_GREETING: &[u8] =
    b"* OK Coremail System IMap Server Ready(163com[10774b260cc7a37d26d71b52404dcf5c])\r\n";
const UNSAFE_LOGIN: &str = "NO SELECT Unsafe Login. Please contact kefu@188.com for help";

/// One line of IMAP and, when it announces a literal (`{n}` or `{n+}` at
/// its end), the literal's bytes after it.
fn imap_line(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    if reader.read_until(b'\n', &mut line).ok()? == 0 {
        return None;
    }
    let text = String::from_utf8_lossy(&line);
    let trimmed = text.trim_end_matches(['\r', '\n']);
    if let Some(open) = trimmed.strip_suffix('}').and_then(|t| t.rfind('{')) {
        let n: usize = trimmed[open + 1..trimmed.len() - 1]
            .trim_end_matches('+')
            .parse()
            .unwrap_or(0);
        let mut literal = vec![0u8; n];
        reader.read_exact(&mut literal).ok()?;
        line.extend(literal);
    }
    Some(line)
}

fn proxy_imap(
    client: TcpStream,
    target: u16,
    rule: ImapRule,
    seen: &std::sync::Mutex<Vec<String>>,
) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
        return;
    };
    let to_client = Arc::new(std::sync::Mutex::new(client.try_clone().expect("clone")));
    let (server_read, mut server_write) = (server.try_clone().expect("clone"), server);
    let writer = to_client.clone();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(server_read);
        let mut first = true;
        while let Some(mut line) = imap_line(&mut reader) {
            if first && rule != ImapRule::NoId {
                line = COREMAIL_GREETING.to_vec();
            } else if rule == ImapRule::NoId {
                line = without_id(line);
            }
            first = false;
            let mut out = writer.lock().expect("writer");
            if out.write_all(&line).is_err() {
                break;
            }
        }
        let _ = writer.lock().expect("writer").shutdown(Shutdown::Both);
    });
    let mut reader = BufReader::new(client);
    let mut id_sent = false;
    while let Some(line) = imap_line(&mut reader) {
        let text = String::from_utf8_lossy(&line).into_owned();
        let mut words = text.split_whitespace();
        let tag = words.next().unwrap_or("").to_string();
        let command = words.next().unwrap_or("").to_ascii_uppercase();
        seen.lock().expect("seen").push(command.clone());
        match (rule, command.as_str()) {
            (ImapRule::NoId, "ID") => break,
            (ImapRule::IdBeforeSelect, "ID") => id_sent = true,
            (ImapRule::IdBeforeSelect, "SELECT" | "EXAMINE") if !id_sent => {
                refuse(&to_client, &tag);
                continue;
            }
            (ImapRule::UnsafeAlways, "SELECT" | "EXAMINE") => {
                refuse(&to_client, &tag);
                continue;
            }
            _ => {}
        }
        if server_write.write_all(&line).is_err() {
            break;
        }
    }
    let _ = server_write.shutdown(Shutdown::Both);
    let _ = to_client.lock().expect("writer").shutdown(Shutdown::Both);
}

fn refuse(client: &std::sync::Mutex<TcpStream>, tag: &str) {
    let _ = client
        .lock()
        .expect("writer")
        .write_all(format!("{tag} {UNSAFE_LOGIN}\r\n").as_bytes());
}

/// A capability list without ID, as QQ Mail's. Only a line without a
/// literal is looked at: a message's bytes pass untouched.
fn without_id(line: Vec<u8>) -> Vec<u8> {
    let one_line = line.iter().position(|&b| b == b'\n') == Some(line.len() - 1);
    match std::str::from_utf8(&line) {
        Ok(text) if one_line && text.contains("CAPABILITY") => text
            .replace(" ID ", " ")
            .replace(" ID]", "]")
            .replace(" ID\r\n", "\r\n")
            .into_bytes(),
        _ => line,
    }
}
