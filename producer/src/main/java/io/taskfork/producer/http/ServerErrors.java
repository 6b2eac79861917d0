package io.taskfork.producer.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.wire.WireFormat;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The errors the server answers itself, before any route of ours runs (no such route, a method the
 * route has not, a body too large, a request Jetty cannot read), in the API's one form: JSON,
 * {@code {"error": "one line"}}.
 */
final class ServerErrors {

    /** The largest body a request may have, sent with a length or in chunks. */
    static final int MAX_BODY = 1_000_000;
    /** The most a request line and its headers may hold together: Jetty's own default, set so a 414 can say it. */
    static final int MAX_HEAD = 8192;
    // a '%' not followed by two hex digits: the servlet's parser drops such a parameter unsaid
    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private ServerErrors() {
    }

    /** Javalin's own refusals (404, 405, 413), as the API's other errors; a redirect stays one. */
    static void answer(HttpResponseException refusal, Context ctx) {
        int status = refusal.getStatus();
        if (status >= 300 && status < 400) {
            ctx.status(status);
            return;
        }
        // HTTP asks a 405 to say which methods the endpoint has
        refusal.getDetails().entrySet().stream().filter(detail -> detail.getKey().equalsIgnoreCase("availableMethods")
                || detail.getKey().equalsIgnoreCase("Available methods")).findFirst()
                .ifPresent(methods -> ctx.header("Allow", methods.getValue()));
        String message = switch (status) {
            case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path();
            case 405 -> ctx.method() + " is not allowed on " + ctx.path();
            case 413 -> "the body is over " + MAX_BODY + " bytes";
            default -> refusal.getMessage();
        };
        Answers.error(ctx, status, message);
    }

    /** A query with a bad %-escape is refused: its parameter would be dropped, a filter with it. */
    static void checkQuery(Context ctx) {
        String query = ctx.queryString();
        if (query != null && BAD_ESCAPE.matcher(query).find()) {
            throw ApiProblem.badRequest("the query has a '%' that is not followed by two hex digits");
        }
    }

    /**
     * Refuses a query parameter where the endpoint found for the request takes none: only the task
     * list takes any. One given elsewhere (a filter of /api/dead, say) would go unheeded, and the
     * answer look as if it had been heeded. Run once the endpoint is known, so a path there is none
     * for stays a 404.
     */
    static void refuseParameters(Context ctx) {
        boolean taskList = ctx.method() == HandlerType.GET && ctx.endpointHandlerPath().equals("/api/tasks");
        if (!taskList && !ctx.queryParamMap().isEmpty()) {
            throw ApiProblem.badRequest("unknown parameter \"" + ctx.queryParamMap().keySet().iterator().next() + "\": "
                    + ctx.path() + " takes none");
        }
    }

    /** The request's body, up to {@link #MAX_BODY} bytes however it is sent; 413 past that. */
    static String body(Context ctx) throws IOException {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw ApiProblem.tooLarge("the body is over " + MAX_BODY + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** What Jetty answers itself: a request it cannot read (a bad %-escape in the path, a URI too long). */
    static final class JsonPages extends ErrorHandler {

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, Answers.JSON);
            return ByteBuffer.wrap(json(status, reason));
        }

        @Override
        public void handle(String target, Request baseRequest, HttpServletRequest request,
                HttpServletResponse response) throws IOException {
            if (response.isCommitted()) {
                return;
            }
            Object message = request.getAttribute("jakarta.servlet.error.message");
            response.resetBuffer();
            response.setContentType(Answers.JSON);
            response.getOutputStream().write(json(response.getStatus(), message == null ? null : message.toString()));
            baseRequest.setHandled(true);
        }

        private static byte[] json(int status, String reason) {
            String text = reason == null || reason.isBlank() ? "HTTP " + status : reason;
            // Jetty's word for a path it cannot decode (/api/tasks/%zz, a NUL) is the status's own name
            if (status == 400 && text.equals("Bad Request")) {
                text = "the request cannot be read: its path has a '%' not followed by two hex digits, or a"
                        + " character no path may hold";
            }
            // Jetty gives no reason at all for a URI past the head's limit
            if (status == 414) {
                text = "the URI is too long: the request line and its headers must fit in " + MAX_HEAD + " bytes";
            }
            return Json.write(Json.MAPPER.createObjectNode().put("error", WireFormat.oneLine(text)))
                    .getBytes(StandardCharsets.UTF_8);
        }
    }
}
