//! No secret in any log line: API keys and tokens in query strings are masked in the request
//! log, and the generated admin password goes to standard output once, never to the log.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use actix_web::test::TestRequest;
use common::{Kind, TestApp};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn api_keys_in_query_strings_are_masked_in_the_log() {
    let app = TestApp::new(Kind::Sqlite).await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .json()
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    for uri in [
        "/open311/v2/requests.json?api_key=aduan_SEKRET1&service_code=jalan",
        "/open311/v2/services.xml?jurisdiction_id=subang&API_KEY=aduan_SEKRET2",
        "/api/v1/tickets?token=SEKRET3",
    ] {
        app.send(TestRequest::post().uri(uri).set_payload("x"))
            .await;
        app.send(TestRequest::get().uri(uri)).await;
    }
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("answered"), "one line per request: {log}");
    assert!(log.contains("api_key=***"), "{log}");
    assert!(!log.contains("SEKRET"), "{log}");
}
