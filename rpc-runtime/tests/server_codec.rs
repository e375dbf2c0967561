//! Results are written with the serving server's codec settings, not the defaults.

use rpc_runtime::server::Server;
use rpc_runtime::{Client, Config, ErrorKind};

/// Division without a check for zero.
#[rpc_runtime::service]
pub trait Floats {
    /// Returns `a / b`, infinite when `b` is zero.
    async fn ratio(&self, a: f64, b: f64) -> f64;
}

struct Imp;

impl Floats for Imp {
    async fn ratio(&self, a: f64, b: f64) -> f64 {
        a / b
    }
}

async fn serve(config: Config) -> (String, tokio::sync::oneshot::Sender<()>) {
    let server = Server::builder()
        .service(FloatsServer::new(Imp))
        .codec_config(config)
        .bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/RPC2", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.serve_with_shutdown(async {
        let _ = stopped.await;
    }));
    (url, stop)
}

#[tokio::test]
async fn results_follow_the_servers_non_finite_policy() {
    let lenient = Config::default().allow_non_finite(true);

    let (url, _stop) = serve(Config::default()).await;
    let client = FloatsClient::from_client(
        Client::builder(&url)
            .codec_config(lenient)
            .build()
            .expect("client"),
    );
    let err = client
        .ratio(1.0, 0.0)
        .await
        .expect_err("inf is refused by default");
    assert_eq!(err.kind(), ErrorKind::Fault);
    assert_eq!(
        err.fault().map(|f| f.code),
        Some(rpc_runtime::fault::INTERNAL_ERROR)
    );

    let (url, _stop) = serve(lenient).await;
    let client = FloatsClient::from_client(
        Client::builder(&url)
            .codec_config(lenient)
            .build()
            .expect("client"),
    );
    assert_eq!(
        client.ratio(1.0, 0.0).await.expect("inf allowed"),
        f64::INFINITY
    );
    assert!(client.ratio(0.0, 0.0).await.expect("nan allowed").is_nan());
    assert_eq!(client.ratio(1.0, 4.0).await.expect("finite"), 0.25);
}
