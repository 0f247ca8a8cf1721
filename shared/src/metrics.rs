//! The process's Prometheus metrics (`GET /metrics`): one registry, created on first use, with
//! a handle per metric so that counting is an atomic add on a handle held here.
//!
//! Why handles and not names looked up per event: the chat gateway counts logins, lines,
//! deliveries and dropped slow readers on the chat line's path, which must take no lock and
//! touch no store; a `Counter` / `Gauge` of `prometheus-client` is an `Arc` of one atomic.
//! Only the per-request figures (`http_requests_total`, `http_request_duration_seconds`) are
//! label families (a read-locked map plus a histogram mutex); they are counted in the HTTP
//! dispatcher, never on the chat line. Their labels are the route's *name* from the route table
//! and the status code, never a raw path, so no key and no unbounded value becomes a label.
//!
//! Live streams and viewers are not counted here: the `/metrics` handler reads them from the
//! store, HLS folder and shared state at scrape time and sets [`Metrics::set_live`].

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::LazyLock;
use std::time::Duration;

/// The label value of a request no route took (404 / 405).
pub const UNROUTED: &str = "unrouted";

/// The labels of one request count: route name and status code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: &'static str,
    pub status: u16,
}

/// The label of a latency histogram: the route name.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabel {
    pub route: &'static str,
}

fn latency_histogram() -> Histogram {
    // 1 ms … ~16 s in powers of two.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// Every metric of the process, by handle.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabel, Histogram, fn() -> Histogram>,
    /// Open chat WebSocket connections.
    pub ws_connections: Gauge,
    /// Successful chat logins.
    pub logins: Counter,
    /// Chat lines accepted from chatters.
    pub lines: Counter,
    /// Frames handed to a socket's outbox.
    pub deliveries: Counter,
    /// Sockets closed because they read too slowly.
    pub slow_readers_dropped: Counter,
    live_streams: Gauge,
    viewers: Gauge,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// The process's metrics.
pub fn metrics() -> &'static Metrics {
    &METRICS
}

impl Metrics {
    fn new() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: Family<RouteLabel, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        let mut m = Metrics {
            registry: Registry::with_prefix("rsstreaming"),
            requests,
            latency,
            ws_connections: Gauge::default(),
            logins: Counter::default(),
            lines: Counter::default(),
            deliveries: Counter::default(),
            slow_readers_dropped: Counter::default(),
            live_streams: Gauge::default(),
            viewers: Gauge::default(),
        };
        let r = &mut m.registry;
        let requests = m.requests.clone();
        r.register(
            "http_requests",
            "HTTP requests answered, by route name and status",
            requests,
        );
        let latency = m.latency.clone();
        r.register(
            "http_request_duration_seconds",
            "Time to answer, by route name",
            latency,
        );
        let counters = [
            ("chat_logins", "Successful chat logins", &m.logins),
            ("chat_lines", "Chat lines accepted from chatters", &m.lines),
            (
                "chat_deliveries",
                "Chat frames handed to a socket",
                &m.deliveries,
            ),
            (
                "chat_slow_readers_dropped",
                "Chat sockets closed for reading too slowly",
                &m.slow_readers_dropped,
            ),
        ];
        for (name, help, counter) in counters {
            r.register(name, help, counter.clone());
        }
        let gauges = [
            (
                "ws_connections",
                "Open chat WebSocket connections",
                &m.ws_connections,
            ),
            ("live_streams", "Streams live now", &m.live_streams),
            ("viewers", "Viewers of the live streams now", &m.viewers),
        ];
        for (name, help, gauge) in gauges {
            r.register(name, help, gauge.clone());
        }
        m
    }

    /// Counts one answered request of route `route` (a route-table name or [`UNROUTED`]).
    pub fn request(&self, route: &'static str, status: u16, took: Duration) {
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
        self.latency
            .get_or_create(&RouteLabel { route })
            .observe(took.as_secs_f64());
    }

    /// Sets the scrape-time gauges: streams live now and their viewers.
    pub fn set_live(&self, live_streams: usize, viewers: usize) {
        let clamp = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.live_streams.set(clamp(live_streams));
        self.viewers.set(clamp(viewers));
    }

    /// Everything in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_request_shows_under_its_route_and_status() {
        let m = metrics();
        m.request("healthz", 200, Duration::from_millis(3));
        m.logins.inc();
        m.set_live(2, 7);
        let text = m.render();
        assert!(
            text.contains("rsstreaming_http_requests_total{route=\"healthz\",status=\"200\"}"),
            "{text}"
        );
        assert!(text.contains("rsstreaming_http_request_duration_seconds_bucket{"));
        assert!(text.contains("rsstreaming_live_streams 2\n"), "{text}");
        assert!(text.contains("rsstreaming_viewers 7\n"), "{text}");
        assert!(
            text.contains("# TYPE rsstreaming_chat_logins counter"),
            "{text}"
        );
    }
}
