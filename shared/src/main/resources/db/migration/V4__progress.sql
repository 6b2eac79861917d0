-- How far a running task has come, as its handler last reported: 0 to 100 and a short line.
alter table tasks add column progress smallint check (progress between 0 and 100);
alter table tasks add column progress_message text;
