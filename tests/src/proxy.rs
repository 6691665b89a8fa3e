//! A TCP proxy on 127.0.0.1 in front of a real server, for tests of a
//! server going away: [`Proxy::cut`] drops every forwarded connection and
//! the listener, as a server that stopped or a network that failed.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A TCP proxy on 127.0.0.1 in front of a real server: [`Proxy::cut`]
/// drops every connection and stops listening, as a server that went away.
#[derive(Debug)]
pub struct Proxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    /// Listens on `addr` (`127.0.0.1:0` for any port) and forwards to `server`.
    pub async fn start(addr: SocketAddr, server: SocketAddr) -> Proxy {
        let listener = TcpListener::bind(addr)
            .await
            .unwrap_or_else(|e| panic!("cannot listen on {addr}: {e}"));
        let addr = listener.local_addr().expect("the proxy's address");
        let tasks = Arc::new(Mutex::new(Vec::new()));
        let accepted = Arc::clone(&tasks);
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let forward = tokio::spawn(async move {
                    if let Ok(mut upstream) = TcpStream::connect(server).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    }
                });
                accepted.lock().expect("the task list").push(forward);
            }
        });
        tasks.lock().expect("the task list").push(accept);
        Proxy { addr, tasks }
    }

    /// Drops every forwarded connection and the listener.
    pub async fn cut(self) {
        let tasks = std::mem::take(&mut *self.tasks.lock().expect("the task list"));
        for t in tasks {
            t.abort();
            let _ = t.await;
        }
    }
}
