-- The tasks table. Column names and status values are a contract: scripts and dashboards read them.
create table tasks (
    id            bigint generated always as identity primary key,
    type          text        not null,
    payload       jsonb       not null default '{}',
    status        text        not null default 'queued'
                  check (status in ('queued', 'running', 'retrying', 'succeeded', 'failed', 'crashed', 'cancelled')),
    attempts      integer     not null default 0,
    failure_kind  text
                  check (failure_kind in ('exception', 'unknown-type', 'exit', 'signal', 'oom', 'timeout')),
    exit_code     integer,
    result        jsonb,
    error         text,
    log           text,
    message_id    text unique,
    created_at    timestamptz not null default now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    worker        text
);

create index tasks_status_idx on tasks (status) where status not in ('succeeded', 'failed', 'crashed', 'cancelled');
