package dev.cachet.cache;

/** The text of an SQLXML value, read while teeing. */
final class CapturedXml implements ValueSizes.Sized {

    final String xml;

    CapturedXml(String xml) {
        this.xml = xml;
    }

    @Override
    public long estimatedBytes() {
        return 16 + (xml == null ? 0 : ValueSizes.string(xml));
    }

    @Override
    public String toString() {
        return xml;
    }
}
