//! The site's HTTP behaviour and its cross-instance chat, written once and run against every
//! deployment: `tests/suite` runs them on `rsstreaming serve`, `tests/lambda` on the handlers
//! deployed as Lambda functions. A case is a `pub async fn name(backend: Backend)` in one of
//! the modules below; [`site_tests!`] lists every case and turns each into a `#[tokio::test]`
//! of the suite that expands it, under the same `module::name` in both suites.
//!
//! To add a case: write the function, add its name to the table in [`site_tests!`].

pub mod chat_cluster;
pub mod http;
pub mod http_api;
pub mod http_bans;
pub mod http_dashboard;
pub mod http_dashboard_moderation;
pub mod http_front;
pub mod http_guard;
pub mod http_hls;
pub mod http_live;
pub mod http_operator;
pub mod http_profile;
pub mod http_publish;
pub mod http_rules;
pub mod http_streams;
pub mod http_tokens;
pub mod http_videos;

use rsstreaming_testkit::raw::raw_get;
use rsstreaming_testkit::{Site, SiteBuilder};

/// `video_qualities` of a site whose nginx transcodes.
pub const QUALITIES: &str = "video_qualities: [Original, 720P]\n";

/// `publish.mode: redirect`: on_publish renames the stream to the room.
pub const REDIRECT: &str = "publish:\n  mode: redirect\n";

/// A site for these cases: a generous live window, so a slow machine does not turn a fresh
/// test stream stale between writing it and asking (staleness cases age files well past it).
pub fn site() -> SiteBuilder {
    Site::builder().live_delay(20)
}

/// Asserts that a raw `GET path` (sent as written, see [`raw_get`]) is refused with 404 or
/// 400; the whole response.
pub async fn assert_raw_refused(site: &Site, path: &str) -> String {
    let (status, text) = raw_get(site.port(), path).await;
    assert!(status == 404 || status == 400, "{path}: {status}");
    text
}

/// Expands to one `#[tokio::test]` per case, each running the case on `$backend`.
#[macro_export]
macro_rules! site_tests {
    ($backend:expr) => {
        $crate::cases! { $backend;
            http: [
                routes_pages_and_status_codes,
                stream_page_context_for_the_front_end,
                viewer_password_protects_everything_and_the_pass_cookie_follows_the_rules,
                proxy_hops_decide_scheme_and_secure_cookies,
                static_assets_are_embedded_and_versioned,
                oversize_and_malformed_requests_are_refused_cleanly,
                serve_shuts_down_gracefully_and_refuses_a_missing_mysql_schema,
                pages_carry_protective_headers,
                a_broken_database_gives_errors_not_crashes,
            ],
            http_api: [
                info_read_and_patch,
                authentication_is_required_and_checked,
                failed_logins_are_throttled,
                messages_post_and_read,
                posted_lines_are_cleaned_and_emojified,
                the_api_client_drives_a_running_server,
            ],
            http_bans: [bans_are_set_listed_and_lifted_through_the_api],
            http_dashboard: [
                dashboard_sessions_forms_and_pages,
                dashboard_sign_in_is_budgeted_like_the_api,
                a_session_and_the_budgets_hold_on_every_instance,
            ],
            http_dashboard_moderation: [
                the_moderation_page_changes_the_chat_as_its_commands_do,
                a_timeout_from_the_dashboard_reaches_a_chatter_on_another_instance,
                webhooks_are_added_listed_and_removed_from_the_dashboard,
            ],
            http_front: [the_front_page_orders_live_streams_by_viewers_then_by_when_last_live],
            http_profile: [the_mastodon_command_and_the_dashboard_set_the_profile_links],
            http_guard: [
                api_key_budget_stops_the_right_key_per_address_and_per_streamer,
                viewer_password_form_is_budgeted,
                unreadable_or_short_forwarded_chains_are_an_unknown_caller,
                rotating_the_rtmp_address_does_not_buy_guesses,
                writes_require_a_json_body,
                basic_credentials_from_another_sites_page_are_refused,
            ],
            http_hls: [
                rename_mode_playlists_hide_the_key_and_segments_resolve_back,
                nothing_outside_hls_dir_can_be_read,
                qualities_get_a_master_playlist_and_their_own_playlists,
                redirect_mode_finds_files_by_room,
                accel_redirect_hands_segments_to_nginx,
                no_public_response_contains_the_key,
                a_thumbnail_is_404_without_a_frame_to_show,
            ],
            http_live: [viewers_members_and_api_posts_meet_the_chat],
            http_operator: [
                the_openapi_document_is_served_and_describes_the_api,
                readyz_follows_the_database_and_redis_while_healthz_stays_up,
                static_files_are_sent_compressed_by_accept_encoding,
            ],
            http_publish: [
                on_publish_accepts_keys_and_records_start_and_stop,
                redirect_mode_renames_the_stream_to_the_room,
                rename_mode_accepts_transcode_relays_of_a_key,
                on_publish_answers_only_allowed_callers,
                allow_list_is_configurable,
                key_guessing_is_throttled_per_client_address,
            ],
            http_rules: [filters_and_the_pin_over_the_api],
            http_streams: [streams_are_recorded_with_viewers_chatters_and_lines],
            http_tokens: [tokens_are_scoped_revocable_and_budgeted],
            http_videos: [
                recordings_are_remuxed_listed_played_replayed_and_deleted,
                without_recordings_configured_nothing_is_kept,
            ],
            chat_cluster: [
                two_instances_act_as_one_chat,
                a_killed_instances_chatters_leave_within_30_seconds,
                the_chat_recovers_when_redis_restarts,
                a_ban_on_one_instance_binds_on_the_other,
                an_unreachable_redis_at_start_is_a_clear_error,
                the_api_deletes_a_line_on_every_instance,
                rules_set_on_one_instance_bind_on_the_other_within_a_second,
                registered_names_hold_on_every_instance,
            ],
        }
    };
}

/// The expansion of [`site_tests!`]: a module per case module, a test per case.
#[doc(hidden)]
#[macro_export]
macro_rules! cases {
    ($backend:expr; $($module:ident: [$($case:ident),* $(,)?]),* $(,)?) => {
        $(
            mod $module {
                $(
                    #[tokio::test]
                    async fn $case() {
                        $crate::$module::$case($backend).await
                    }
                )*
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    /// A case missing from the table would never run: every `pub async fn …(backend: Backend)`
    /// of the case modules is listed in `site_tests!`.
    #[test]
    fn every_case_is_listed() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let table = std::fs::read_to_string(src.join("lib.rs")).unwrap();
        let table = &table[table.find("macro_rules! site_tests").unwrap()..];
        let table = &table[..table.find("macro_rules! cases").unwrap()];
        let mut cases = 0;
        for entry in std::fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            let module = path.file_stem().unwrap().to_string_lossy().into_owned();
            if module == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for rest in text.split("pub async fn ").skip(1) {
                let (name, args) = rest.split_once('(').unwrap();
                if !args[..args.find(')').unwrap()].contains("Backend") {
                    continue;
                }
                let section = &table[table.find(&format!("{module}: [")).unwrap()..];
                let section = &section[..section.find(']').unwrap()];
                let listed = section.split([',', '[', ' ', '\n']).any(|n| n == name);
                assert!(listed, "{module}::{name} is not in site_tests!");
                cases += 1;
            }
        }
        assert!(cases > 30, "found only {cases} cases");
    }
}
