package io.taskfork.shared.store;

import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The tasks, newest first, a page at a time. A page ends where the next one starts by ID
 * ({@code id < before}), not by offset: rows inserted meanwhile do not shift the pages.
 */
public final class TaskPages {

    private static final TaskRowMapper MAPPER = new TaskRowMapper();

    private final Jdbi jdbi;

    TaskPages(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Which tasks, and how many at most.
     *
     * @param status only tasks in this status; null for all
     * @param type   only tasks of this type; null for all
     * @param before only tasks whose ID is lower; null to start at the newest
     * @param limit  the most tasks on the page, at least 1
     */
    public record Filter(TaskStatus status, String type, Long before, int limit) {
        public Filter {
            if (limit < 1) {
                throw new IllegalArgumentException("a page holds at least one task");
            }
        }
    }

    /**
     * @param tasks      the page's tasks, newest first
     * @param nextBefore the {@code before} of the next page; null when this page is the last
     */
    public record Page(List<Task> tasks, Long nextBefore) {
    }

    public Page newest(Filter filter) {
        StringBuilder sql = new StringBuilder("select " + TaskRowMapper.COLUMNS + " from tasks where true");
        if (filter.status() != null) {
            sql.append(" and status = :status");
        }
        if (filter.type() != null) {
            sql.append(" and type = :type");
        }
        if (filter.before() != null) {
            sql.append(" and id < :before");
        }
        // One row past the page says whether another page follows.
        sql.append(" order by id desc limit :fetch");
        List<Task> rows = jdbi.withHandle(handle -> {
            Query query = handle.createQuery(sql.toString()).bind("fetch", filter.limit() + 1);
            if (filter.status() != null) {
                query.bind("status", filter.status().value());
            }
            if (filter.type() != null) {
                query.bind("type", filter.type());
            }
            if (filter.before() != null) {
                query.bind("before", filter.before());
            }
            return query.map(MAPPER).list();
        });
        if (rows.size() <= filter.limit()) {
            return new Page(rows, null);
        }
        List<Task> page = rows.subList(0, filter.limit());
        return new Page(List.copyOf(page), page.get(page.size() - 1).id());
    }
}
