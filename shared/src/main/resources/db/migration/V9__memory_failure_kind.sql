-- A task whose processes held more memory than TASKFORK_TASK_MEMORY is killed: failure kind
-- 'memory', apart from 'oom', which is the JVM's own heap.
alter table tasks drop constraint tasks_failure_kind_check;
alter table tasks add constraint tasks_failure_kind_check
    check (failure_kind in ('exception', 'unknown-type', 'exit', 'signal', 'oom', 'timeout', 'memory'));
