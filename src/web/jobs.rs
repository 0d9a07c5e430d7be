//! Report jobs started from the reports page. One runs at a time, on a
//! thread of its own, telling its [`Progress`] as it goes; the job's page
//! (`/reports/jobs/<id>`) shows that progress and reloads itself until the
//! job is over. The last few jobs are kept, so a finished one can be read.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

/// A report to make again, asked for on the reports page; the command
/// layer knows how (see `jucai serve`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReportJob {
    /// Quarterly reports of a period.
    Quarterly(crate::period::Period),
    /// Annual reports, half-year summaries and packets of a year.
    Annual(i32),
    /// The platform directory.
    Directory,
}

impl ReportJob {
    /// The job in a log line: `quarterly 2023Q3`, `annual 2023`, `directory`.
    pub(crate) fn code(&self) -> String {
        match self {
            ReportJob::Quarterly(p) => format!("quarterly {}", p.code()),
            ReportJob::Annual(y) => format!("annual {y}"),
            ReportJob::Directory => "directory".to_string(),
        }
    }
}

/// What a job is doing; the page names each (`templates/web/job.html`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Stage {
    /// Not begun yet.
    Waiting,
    /// Reading the extracts and counting the report model.
    Model,
    /// Writing the reports, one PDF and XLSX per unit (then the packets).
    Reports,
    /// Writing the platform directory.
    Directory,
    /// Finished: every file written.
    Done,
    /// Stopped with an error.
    Failed,
}

/// A job as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Shown {
    pub id: u64,
    /// `quarterly`, `annual` or `directory`.
    pub kind: &'static str,
    /// The period or year, or empty.
    pub of: String,
    pub stage: Stage,
    /// Steps of the stage done and in all (0 of 0 when it has no steps).
    pub done: usize,
    pub total: usize,
    /// Files written in all, once done.
    pub files: usize,
    pub error: Option<String>,
    pub seconds: u64,
    pub finished: bool,
}

struct State {
    id: u64,
    job: ReportJob,
    stage: Stage,
    done: usize,
    total: usize,
    files: usize,
    error: Option<String>,
    started: Instant,
    took: Option<Duration>,
}

impl State {
    fn finished(&self) -> bool {
        matches!(self.stage, Stage::Done | Stage::Failed)
    }

    fn shown(&self) -> Shown {
        let (kind, of) = match &self.job {
            ReportJob::Quarterly(p) => ("quarterly", p.code()),
            ReportJob::Annual(y) => ("annual", y.to_string()),
            ReportJob::Directory => ("directory", String::new()),
        };
        Shown {
            id: self.id,
            kind,
            of,
            stage: self.stage,
            done: self.done,
            total: self.total,
            files: self.files,
            error: self.error.clone(),
            seconds: self
                .took
                .unwrap_or_else(|| self.started.elapsed())
                .as_secs(),
            finished: self.finished(),
        }
    }
}

/// A running job's handle, given to the code that makes the reports.
#[derive(Clone)]
pub(crate) struct Progress(Arc<Mutex<State>>);

impl Progress {
    /// A new stage of `total` steps begins.
    pub(crate) fn stage(&self, stage: Stage, total: usize) {
        let mut s = lock(&self.0);
        s.stage = stage;
        s.done = 0;
        s.total = total;
    }

    /// One step of the stage is done (called from several threads at once).
    pub(crate) fn step(&self) {
        let mut s = lock(&self.0);
        s.done = (s.done + 1).min(s.total);
    }

    /// The job is over: `files` written, or the error that stopped it.
    pub(crate) fn finish(&self, outcome: Result<usize, String>) {
        let mut s = lock(&self.0);
        match outcome {
            Ok(files) => {
                s.stage = Stage::Done;
                s.files = files;
            }
            Err(e) => {
                s.stage = Stage::Failed;
                s.error = Some(e);
            }
        }
        s.took = Some(s.started.elapsed());
    }
}

/// The jobs of this desk, newest last.
#[derive(Default)]
pub(crate) struct Jobs {
    list: Mutex<(u64, Vec<Arc<Mutex<State>>>)>,
}

/// Finished jobs kept for their pages.
const KEPT: usize = 20;

impl Jobs {
    /// Begin `job`, or, while another is still running, give that one's id:
    /// reports are written into the same folder, so two at once would
    /// only slow each other and race on the same files.
    pub(crate) fn start(&self, job: ReportJob) -> Result<(u64, Progress), u64> {
        let mut list = lock(&self.list);
        if let Some(running) = list.1.iter().find(|s| !lock(s).finished()) {
            return Err(lock(running).id);
        }
        list.0 += 1;
        let state = Arc::new(Mutex::new(State {
            id: list.0,
            job,
            stage: Stage::Waiting,
            done: 0,
            total: 0,
            files: 0,
            error: None,
            started: Instant::now(),
            took: None,
        }));
        list.1.push(state.clone());
        let over = list.1.len().saturating_sub(KEPT);
        list.1.drain(..over);
        Ok((list.0, Progress(state)))
    }

    pub(crate) fn get(&self, id: u64) -> Option<Shown> {
        let list = lock(&self.list);
        list.1.iter().map(|s| lock(s).shown()).find(|s| s.id == id)
    }

    /// Every kept job, newest first.
    pub(crate) fn all(&self) -> Vec<Shown> {
        let list = lock(&self.list);
        list.1.iter().rev().map(|s| lock(s).shown()).collect()
    }
}

/// A job's state stays readable even if a maker thread panicked holding it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_job_while_one_runs_is_pointed_at_the_running_one() {
        let jobs = Jobs::default();
        let (first, progress) = jobs.start(ReportJob::Directory).unwrap();
        assert_eq!(jobs.start(ReportJob::Annual(2023)).err(), Some(first));
        progress.stage(Stage::Reports, 2);
        progress.step();
        progress.step();
        progress.step();
        let shown = jobs.get(first).unwrap();
        assert_eq!((shown.done, shown.total, shown.finished), (2, 2, false));
        progress.finish(Ok(4));
        let (second, _) = jobs.start(ReportJob::Annual(2023)).unwrap();
        assert_eq!(second, first + 1);
        let all = jobs.all();
        assert_eq!(all[0].id, second);
        assert_eq!((all[1].stage, all[1].files), (Stage::Done, 4));
    }

    #[test]
    fn only_the_last_jobs_are_kept() {
        let jobs = Jobs::default();
        for _ in 0..KEPT + 5 {
            let (_, p) = jobs.start(ReportJob::Directory).unwrap();
            p.finish(Err("没有数据".into()));
        }
        let all = jobs.all();
        assert_eq!(all.len(), KEPT);
        assert!(jobs.get(1).is_none());
        assert_eq!(all[0].error.as_deref(), Some("没有数据"));
    }
}
