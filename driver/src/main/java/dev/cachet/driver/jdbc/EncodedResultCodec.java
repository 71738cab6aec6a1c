package dev.cachet.driver.jdbc;

import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.ResultEncoding;
import dev.cachet.cache.ResultEncodingException;
import dev.cachet.cache.ResultShape;
import dev.cachet.cache.ValueProfile;
import dev.cachet.cache.shared.ResultCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared tier's codec over the cache's compact {@link ResultEncoding} (DESIGN §10): a shape is the result's
 * metadata with the name of the profile that captured it, sent once per statement shape; an entry is the cells. An
 * instance that never filled a result of a shape itself (so has not chosen its driver's profile yet) decodes the shape
 * with the profile named in it, among the profiles the driver knows, so a hit reads exactly as the filler's result.
 * Results the encoding does not carry (values kept as objects: arrays, pgjdbc's bytea or PGobjects, ...) stay in
 * process.
 */
final class EncodedResultCodec implements ResultCodec<ResultShape> {

    static final EncodedResultCodec INSTANCE = new EncodedResultCodec();

    /** 'C' 'E' and the encoding's version: an entry of another version is a miss, never misread. */
    private static final int FORMAT = ('C' << 24) | ('E' << 16) | ResultEncoding.VERSION;

    private volatile List<ValueProfile> profiles;

    private EncodedResultCodec() {
    }

    @Override
    public int format() {
        return FORMAT;
    }

    @Override
    public Encoded encode(MaterializedResult result) {
        try {
            byte[] rows = ResultEncoding.encode(result);
            return new Encoded(ResultEncoding.shapeOf(result).bytes(), rows);
        } catch (ResultEncodingException e) {
            return null; // values the compact form does not carry: kept in process only
        }
    }

    @Override
    public ResultShape decodeShape(byte[] shape) throws ResultEncodingException {
        ResultEncodingException last = null;
        for (ValueProfile profile : profiles()) {
            try {
                return ResultEncoding.decodeShape(shape, profile);
            } catch (ResultEncodingException e) {
                last = e; // made by another profile (or not a shape at all)
            }
        }
        throw last != null ? last : new ResultEncodingException("no profile");
    }

    @Override
    public MaterializedResult decode(ResultShape shape, byte[] rows) throws ResultEncodingException {
        return ResultEncoding.decode(rows, shape);
    }

    private List<ValueProfile> profiles() {
        List<ValueProfile> p = profiles;
        if (p == null) {
            p = new ArrayList<>();
            p.add(dev.cachet.driver.profile.PgJdbcProfile.INSTANCE);
            p.add(ValueProfile.standard());
            p.add(ValueProfile.generic());
            try {
                p.add(dev.cachet.driver.profile.MariaDbProfile.INSTANCE);
            } catch (LinkageError e) {
                // Connector/J is not on the class path: no MariaDB result can have been cached by this driver
            }
            p = List.copyOf(p);
            profiles = p;
        }
        return p;
    }
}
