package io.burnrate.engine.otlp;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads length-delimited protobuf messages, the framing of protobuf's
 * {@code writeDelimitedTo}: each message is preceded by its length as a base-128 varint.
 * This is the file form of {@code burnrate replay --format otlp-proto}: one
 * {@code TracesData} per message, as the Kafka exporter writes one per record.
 *
 * <p>A message longer than {@code maxBytes} is skipped (its bytes are not kept, its length
 * is reported); a broken length prefix or an input that ends inside a message is reported
 * as that message's {@link Message#problem()} and ends the input, as nothing after it can
 * be framed.
 */
public final class DelimitedMessages implements Closeable {

    /**
     * One message: {@code number} counts from 1; {@code bytes} is null when the message was
     * longer than the limit ({@code length} says how long) or {@code problem} is set.
     */
    public record Message(long number, byte[] bytes, long length, String problem) {
    }

    private final InputStream in;
    private final int maxBytes;
    private long number;
    private boolean done;

    public DelimitedMessages(final InputStream in, final int maxBytes) {
        this.in = new BufferedInputStream(in, 1 << 16);
        this.maxBytes = maxBytes;
    }

    /** The next message, or null at the end of the input. */
    public Message next() throws IOException {
        if (done) {
            return null;
        }
        final int first = in.read();
        if (first < 0) {
            done = true;
            return null;
        }
        number++;
        long length = first & 0x7f;
        int b = first;
        int shift = 7;
        while ((b & 0x80) != 0) {
            b = in.read();
            if (b < 0 || shift > 63) {
                done = true;
                return new Message(number, null, 0, b < 0 ? "the input ends inside a length prefix"
                        : "the length prefix is not a varint of at most 10 bytes");
            }
            length |= (long) (b & 0x7f) << shift;
            shift += 7;
        }
        if (length < 0) {
            done = true;
            return new Message(number, null, 0, "the length prefix is out of range");
        }
        if (length > maxBytes) {
            final long skipped = skip(length);
            if (skipped < length) {
                done = true;
                return new Message(number, null, length, "the input ends inside the message (" + skipped + " of "
                        + length + " bytes)");
            }
            return new Message(number, null, length, null);
        }
        final byte[] bytes = in.readNBytes((int) length);
        if (bytes.length < length) {
            done = true;
            return new Message(number, bytes, length, "the input ends inside the message (" + bytes.length + " of "
                    + length + " bytes)");
        }
        return new Message(number, bytes, length, null);
    }

    private long skip(final long n) throws IOException {
        try {
            in.skipNBytes(n);
            return n;
        } catch (EOFException e) {
            return 0;
        }
    }

    /** Messages read so far. */
    public long count() {
        return number;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
