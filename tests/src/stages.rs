//! Two versions of a plugin whose enum type gains a value: version 2 adds
//! `parked` to `task_stage` and a column defaulting to it, which PostgreSQL
//! can only take once the new value is committed. The push tests use both;
//! `stage-cli` is `invect-cli` with version 2.

use invect_runtime::Plugin;

/// The first version: `task_stage` is `todo` or `doing`.
pub mod v1 {
    use invect_runtime::prelude::*;

    /// A task's stage.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, InvectEnum)]
    #[invect(rename_all = "snake_case")]
    pub enum TaskStage {
        Todo,
        Doing,
    }

    /// Tasks with a stage.
    #[invect_table(name = "stage_tasks")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct StageTask {
        #[invect(primary_key)]
        pub id: String,
        #[invect(enum, default = "todo")]
        pub stage: TaskStage,
    }
}

/// The second version: `task_stage` gains `parked`, and `stage_tasks` a
/// column defaulting to it.
pub mod v2 {
    use invect_runtime::prelude::*;

    /// A task's stage, now also `parked`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, InvectEnum)]
    #[invect(rename_all = "snake_case")]
    pub enum TaskStage {
        Todo,
        Doing,
        Parked,
    }

    /// Tasks with a stage and the stage they go to when parked.
    #[invect_table(name = "stage_tasks")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct StageTask {
        #[invect(primary_key)]
        pub id: String,
        #[invect(enum, default = "todo")]
        pub stage: TaskStage,
        #[invect(enum, default = "parked")]
        pub parked_as: TaskStage,
    }
}

/// The plugin at version 1.
pub fn plugin_v1() -> Plugin {
    Plugin::new("stages").table::<v1::StageTask>()
}

/// The plugin at version 2.
pub fn plugin_v2() -> Plugin {
    Plugin::new("stages").table::<v2::StageTask>()
}
