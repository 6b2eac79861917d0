package io.taskfork.producer.http;

import java.util.Map;

/** A request the API answers with an error status and {@code {"error": "one line"}}, never a stack trace. */
final class ApiProblem extends RuntimeException {

    private final int status;
    private final Map<String, String> headers;

    private ApiProblem(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    static ApiProblem badRequest(String message) {
        return new ApiProblem(400, message, Map.of());
    }

    static ApiProblem notFound(String message) {
        return new ApiProblem(404, message, Map.of());
    }

    static ApiProblem conflict(String message) {
        return new ApiProblem(409, message, Map.of());
    }

    static ApiProblem notAcceptable(String message) {
        return new ApiProblem(406, message, Map.of());
    }

    static ApiProblem tooLarge(String message) {
        return new ApiProblem(413, message, Map.of());
    }

    static ApiProblem forbidden(String message) {
        return new ApiProblem(403, message, Map.of());
    }

    /** 401, with the challenge RFC 6750 asks for in {@code WWW-Authenticate}. */
    static ApiProblem unauthorized(String message, String challenge) {
        return new ApiProblem(401, message, Map.of("WWW-Authenticate", challenge));
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }
}
