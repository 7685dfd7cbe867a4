package org.pghardstorage.core.pg;

/**
 * One column of a result set, from RowDescription.
 *
 * @param name column name
 * @param typeOid the data type's OID (e.g. 25 text, 20 int8)
 * @param textFormat whether values come in text format (always, with the simple query protocol)
 */
public record Column(String name, int typeOid, boolean textFormat) {}
