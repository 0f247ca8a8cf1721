//! HLS files written by nginx-rtmp: where a streamer's files are, whether the stream is live,
//! playlists rewritten to public names, and public segment names resolved back to files.
//!
//! Two layouts exist (see [`crate::config::PublishMode`]). In `rename` mode nginx names every
//! file after the stream key (`<key>.m3u8`, `<key>-N.ts`, `<key>_<Q>.m3u8`, `<key>_<Q>-N.ts`);
//! the store holds only the key's hash, so a streamer's files are found by listing the folder and
//! hashing each playlist's stem. In `redirect` mode on_publish renamed the stream to the room,
//! so the files are `<room>…` and are found by name. Either way the public side only ever sees
//! `/hls/{room}/{N}.ts` (or `/hls/{room}/{quality}/{N}.ts`).
//!
//! - [`HlsLayout`] (`layout.rs`) is that knowledge, built from the configuration once: the
//!   folder, the mode, the qualities and the liveness window; it finds a stream's files, says
//!   whether it is live and hands out its public playlists;
//! - `files.rs`: a stream's files and safe resolution of names inside the folder;
//! - `playlist.rs`: playlist text (rewriting to public names, master playlists);
//! - `quality.rs`: the configured qualities and the `_<quality>` file-name suffix.
//!
//! Everything here is a pure function or a plain file-system read; nothing is cached.

mod files;
mod layout;
mod playlist;
mod quality;

pub use files::{resolve_in_dir, Listing, StreamFiles};
pub use layout::HlsLayout;
pub use playlist::{
    estimate_bandwidth, last_segment, master_playlist, nominal_resolution, parse_segment_request,
    public_base, rewrite_playlist, Variant,
};
pub use quality::{quality_stem, Quality, QualityError};
