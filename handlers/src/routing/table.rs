//! The route table: every URL of the site, in one place.

use super::{HandlerFuture, Params, Route};
use crate::{
    api, api_bans, api_lines, api_videos, assets, dashboard, metrics, openapi, pages, playlists,
    probes, publish_hooks, rules_api, segments, thumbnails, videos, Ctx,
};
use bytes::Bytes;
use http::{Method, Request};
use rsstreaming_shared::auth::ApiScope;

/// Adapts an `async fn(Ctx, Request, Params) -> HandlerResult` to the table's [`Handler`]
/// pointer type, turning internal errors into 500/503 responses.
///
/// [`Handler`]: super::Handler
macro_rules! handler {
    ($f:path) => {{
        fn h(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerFuture {
            Box::pin(async move {
                match $f(ctx, req, params).await {
                    Ok(r) => r,
                    Err(e) => e.into_response(),
                }
            })
        }
        h as super::Handler
    }};
}

/// [`handler!`] for an `/api/*` route: query parameters its OpenAPI operation does not declare
/// are refused (400) before the handler runs. With a scope, an API token needs that scope for
/// the route (put in the request's extensions for [`crate::api_auth`]); without, it is public.
macro_rules! api_handler {
    ($f:path, $scope:expr) => {{
        fn h(ctx: Ctx, mut req: Request<Bytes>, params: Params) -> HandlerFuture {
            req.extensions_mut().insert($scope);
            api_handler!($f)(ctx, req, params)
        }
        h as super::Handler
    }};
    ($f:path) => {{
        fn h(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerFuture {
            if let Some(refused) = openapi::undeclared_query(&req) {
                return Box::pin(async move { refused });
            }
            handler!($f)(ctx, req, params)
        }
        h as super::Handler
    }};
}

/// The name of the `GET /metrics` route: `serve` only, the cloud deployment leaves it out
/// (see [`serve_only`]).
pub const METRICS: &str = "metrics";

/// Whether a route belongs to the long-lived `serve` process alone: `/metrics` reports the
/// process's counters, which a function instance of the cloud deployment would give per
/// instance and per cold start — meaningless there, so the deployment has no function for it.
pub fn serve_only(route: &Route) -> bool {
    route.name == METRICS
}

/// Every route of the site. Paths are matchit patterns; `name` is stable (the function name of
/// a cloud deployment), one per entry.
pub fn routes() -> Vec<Route> {
    let r = Route::new;
    // The chat's bans: one handler, by method.
    let bans = api_handler!(api_bans::bans, ApiScope::Moderate);
    vec![
        r(
            Method::GET,
            "/healthz",
            "healthz",
            handler!(probes::healthz),
        ),
        r(Method::GET, "/readyz", "readyz", handler!(probes::readyz)),
        r(Method::GET, "/metrics", METRICS, handler!(metrics::scrape)),
        r(Method::GET, "/", "index", handler!(pages::index)),
        r(
            Method::GET,
            "/emotes.json",
            "emotes",
            handler!(pages::emotes),
        ),
        r(
            Method::GET,
            "/static/{*path}",
            "static_asset",
            handler!(assets::static_asset),
        ),
        r(
            Method::GET,
            "/auth/on_publish",
            "on_publish_get",
            handler!(publish_hooks::on_publish),
        ),
        r(
            Method::POST,
            "/auth/on_publish",
            "on_publish",
            handler!(publish_hooks::on_publish),
        ),
        r(
            Method::GET,
            "/auth/on_publish_done",
            "on_publish_done_get",
            handler!(publish_hooks::on_publish_done),
        ),
        r(
            Method::POST,
            "/auth/on_publish_done",
            "on_publish_done",
            handler!(publish_hooks::on_publish_done),
        ),
        r(
            Method::GET,
            "/auth/on_record_done",
            "on_record_done_get",
            handler!(publish_hooks::on_record_done),
        ),
        r(
            Method::POST,
            "/auth/on_record_done",
            "on_record_done",
            handler!(publish_hooks::on_record_done),
        ),
        r(
            Method::GET,
            "/api/openapi.json",
            "api_openapi",
            api_handler!(openapi::document),
        ),
        r(
            Method::GET,
            "/api/info",
            "api_get_info",
            api_handler!(api::get_info, ApiScope::Read),
        ),
        r(
            Method::PATCH,
            "/api/info",
            "api_patch_info",
            api_handler!(api::patch_info, ApiScope::Settings),
        ),
        r(
            Method::GET,
            "/api/messages",
            "api_get_messages",
            api_handler!(api::get_messages, ApiScope::Read),
        ),
        r(
            Method::POST,
            "/api/messages",
            "api_post_message",
            api_handler!(api::post_message, ApiScope::Chat),
        ),
        r(
            Method::POST,
            "/api/messages/{id}/delete",
            "api_delete_message",
            api_handler!(api_lines::delete_message, ApiScope::Moderate),
        ),
        r(
            Method::GET,
            "/api/streams",
            "api_get_streams",
            api_handler!(api::get_streams, ApiScope::Read),
        ),
        r(
            Method::GET,
            "/api/videos",
            "api_get_videos",
            api_handler!(api_videos::get_videos, ApiScope::Read),
        ),
        r(
            Method::DELETE,
            "/api/videos/{id}",
            "api_delete_video",
            api_handler!(api_videos::delete_video, ApiScope::Settings),
        ),
        r(Method::GET, "/api/bans", "api_get_bans", bans),
        r(Method::POST, "/api/bans", "api_post_ban", bans),
        r(Method::DELETE, "/api/bans", "api_delete_ban", bans),
        r(
            Method::GET,
            "/api/filters",
            "api_get_filters",
            api_handler!(rules_api::get_filters, ApiScope::Read),
        ),
        r(
            Method::POST,
            "/api/filters",
            "api_post_filter",
            api_handler!(rules_api::post_filter, ApiScope::Moderate),
        ),
        r(
            Method::DELETE,
            "/api/filters",
            "api_delete_filter",
            api_handler!(rules_api::delete_filter, ApiScope::Moderate),
        ),
        r(
            Method::PUT,
            "/api/pin",
            "api_put_pin",
            api_handler!(rules_api::put_pin, ApiScope::Moderate),
        ),
        r(
            Method::DELETE,
            "/api/pin",
            "api_delete_pin",
            api_handler!(rules_api::delete_pin, ApiScope::Moderate),
        ),
        r(
            Method::GET,
            "/hls/{file}",
            "hls_public_file",
            handler!(segments::public_file),
        ),
        r(
            Method::GET,
            "/hls/{room}/{file}",
            "segment",
            handler!(segments::segment),
        ),
        r(
            Method::GET,
            "/hls/{room}/{quality}/{file}",
            "quality_segment",
            handler!(segments::quality_segment),
        ),
        r(
            Method::GET,
            "/{streamer}",
            "stream_redirect",
            handler!(pages::stream_redirect),
        ),
        r(
            Method::GET,
            "/{streamer}/",
            "stream_page",
            handler!(pages::stream_page),
        ),
        r(
            Method::POST,
            "/{streamer}/password",
            "stream_password",
            handler!(pages::stream_password),
        ),
        r(
            Method::GET,
            "/{streamer}/info",
            "stream_info",
            handler!(pages::info),
        ),
        r(
            Method::GET,
            "/{streamer}/dashboard",
            "dashboard",
            handler!(dashboard::overview),
        ),
        r(
            Method::GET,
            "/{streamer}/dashboard/signin",
            "dashboard_signin_form",
            handler!(dashboard::signin_page),
        ),
        r(
            Method::POST,
            "/{streamer}/dashboard/signin",
            "dashboard_signin",
            handler!(dashboard::signin),
        ),
        r(
            Method::POST,
            "/{streamer}/dashboard/signout",
            "dashboard_signout",
            handler!(dashboard::signout),
        ),
        r(
            Method::GET,
            "/{streamer}/dashboard/streams",
            "dashboard_streams",
            handler!(dashboard::streams),
        ),
        r(
            Method::GET,
            "/{streamer}/dashboard/streams/{id}",
            "dashboard_stream",
            handler!(dashboard::stream),
        ),
        r(
            Method::GET,
            "/{streamer}/dashboard/settings",
            "dashboard_settings",
            handler!(dashboard::settings),
        ),
        r(
            Method::POST,
            "/{streamer}/dashboard/settings",
            "dashboard_save_settings",
            handler!(dashboard::save_settings),
        ),
        r(
            Method::GET,
            "/{streamer}/dashboard/tokens",
            "dashboard_tokens",
            handler!(dashboard::tokens),
        ),
        r(
            Method::POST,
            "/{streamer}/dashboard/tokens",
            "dashboard_add_token",
            handler!(dashboard::add_token),
        ),
        r(
            Method::POST,
            "/{streamer}/dashboard/tokens/{id}/revoke",
            "dashboard_revoke_token",
            handler!(dashboard::revoke_token),
        ),
        r(
            Method::GET,
            "/{streamer}/dashboard/webhooks",
            "dashboard_webhooks",
            handler!(dashboard::webhooks),
        ),
        r(
            Method::POST,
            "/{streamer}/dashboard/webhooks",
            "dashboard_add_webhook",
            handler!(dashboard::add_webhook),
        ),
        r(
            Method::POST,
            "/{streamer}/dashboard/webhooks/{id}/remove",
            "dashboard_remove_webhook",
            handler!(dashboard::remove_webhook),
        ),
        r(
            Method::GET,
            "/{streamer}/dashboard/moderation",
            "dashboard_moderation",
            handler!(dashboard::moderation),
        ),
        r(
            Method::POST,
            "/{streamer}/dashboard/moderation",
            "dashboard_moderate",
            handler!(dashboard::moderate),
        ),
        r(
            Method::GET,
            "/{streamer}/playlist.m3u8",
            "playlist",
            handler!(playlists::playlist),
        ),
        r(
            Method::GET,
            "/{streamer}/thumbnail.jpg",
            "thumbnail",
            handler!(thumbnails::thumbnail),
        ),
        r(
            Method::GET,
            "/{streamer}/videos",
            "videos",
            handler!(videos::list),
        ),
        r(
            Method::GET,
            "/{streamer}/videos/{file}",
            "video",
            handler!(videos::video),
        ),
        r(
            Method::GET,
            "/{streamer}/videos/{id}/chat",
            "video_chat",
            handler!(videos::chat),
        ),
        r(
            Method::GET,
            "/{streamer}/dashboard/videos",
            "dashboard_videos",
            handler!(dashboard::videos),
        ),
        r(
            Method::POST,
            "/{streamer}/dashboard/videos/{id}/delete",
            "dashboard_delete_video",
            handler!(dashboard::delete_video),
        ),
        r(
            Method::GET,
            "/{streamer}/master.m3u8",
            "master_playlist",
            handler!(playlists::master_playlist),
        ),
        r(
            Method::GET,
            "/{streamer}/playlist/{file}",
            "quality_playlist",
            handler!(playlists::quality_playlist),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_paths_start_with_a_slash() {
        let table = routes();
        let mut names: Vec<_> = table.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), table.len());
        assert!(table.iter().all(|r| r.path.starts_with('/')));
    }

    #[test]
    fn every_fixed_first_segment_is_a_reserved_username() {
        use rsstreaming_shared::names::{reserved_username, valid_username};
        for r in routes() {
            let first = r
                .path
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or("");
            if first.starts_with('{') || !valid_username(first) {
                continue; // a parameter, the root, or a name no streamer can have (`emotes.json`)
            }
            assert!(
                reserved_username(first),
                "a streamer named `{first}` would shadow {}",
                r.path
            );
        }
        assert!(
            reserved_username("ws"),
            "the gateway's /ws lives outside the route table"
        );
    }
}
