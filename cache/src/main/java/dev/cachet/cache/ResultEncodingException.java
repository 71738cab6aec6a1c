package dev.cachet.cache;

/**
 * Bytes that {@link ResultEncoding} cannot turn back into exactly what was encoded — truncated, corrupted, of
 * another format or version, or an entry whose shape is not the one given — or a result it cannot encode. The
 * caller treats the entry as a miss; nothing is ever decoded into a different result.
 */
public final class ResultEncodingException extends Exception {

    private static final long serialVersionUID = 1L;

    public ResultEncodingException(String message) {
        super(message);
    }

    public ResultEncodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
