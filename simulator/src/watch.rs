//! `--watch`: reload the scenario when one of its files changes.
//!
//! Watches the folders that hold the scenario files (editors often save by writing a new file
//! and renaming it over the old one, which a watch on the file itself would miss), debounces
//! bursts of events, and reloads through [`Engine::reload`]: an invalid scenario is refused
//! and the old one keeps serving.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::engine::{Engine, ReloadSummary};

/// A running watch; dropping it stops watching.
pub struct ScenarioWatch {
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

impl std::fmt::Debug for ScenarioWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScenarioWatch")
    }
}

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot watch {path} for changes: {source}")]
pub struct WatchError {
    /// The folder.
    pub path: PathBuf,
    /// The cause.
    pub source: notify::Error,
}

/// Watches `paths` (scenario files or folders) and reloads `engine` when a YAML file among
/// them changes; `report` hears every reload's result.
pub fn watch(
    engine: Arc<Engine>,
    paths: &[PathBuf],
    report: impl Fn(Result<ReloadSummary, String>) + Send + 'static,
) -> Result<ScenarioWatch, WatchError> {
    let files: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.is_file())
        .map(|p| absolute(p))
        .collect();
    let folders: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| absolute(p))
        .collect();
    let relevant = {
        let files = files.clone();
        let folders = folders.clone();
        move |p: &Path| {
            files.iter().any(|f| f == p)
                || (folders.iter().any(|d| p.parent() == Some(d.as_path()))
                    && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        }
    };
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let touched = events
            .iter()
            .flat_map(|e| e.event.paths.iter())
            .any(|p| relevant(&absolute(p)));
        if touched {
            report(engine.reload());
        }
    };
    let mut debouncer =
        new_debouncer(Duration::from_millis(250), None, handler).map_err(|source| WatchError {
            path: paths.first().cloned().unwrap_or_default(),
            source,
        })?;
    let mut watched: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .chain(folders.iter().cloned())
        .collect();
    watched.sort();
    watched.dedup();
    for dir in watched {
        debouncer
            .watch(&dir, RecursiveMode::NonRecursive)
            .map_err(|source| WatchError {
                path: dir.clone(),
                source,
            })?;
    }
    Ok(ScenarioWatch {
        _debouncer: debouncer,
    })
}

fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p)
        .or_else(|_| std::path::absolute(p))
        .unwrap_or_else(|_| p.to_path_buf())
}
