-- A task whose message is dead-lettered at the delivery limit ends failed with failure kind
-- 'delivery-limit': left waiting or running, `wait` would never end and nothing would run it.
alter table tasks drop constraint tasks_failure_kind_check;
alter table tasks add constraint tasks_failure_kind_check
    check (failure_kind in ('exception', 'unknown-type', 'exit', 'signal', 'oom', 'timeout', 'memory',
                            'delivery-limit'));
