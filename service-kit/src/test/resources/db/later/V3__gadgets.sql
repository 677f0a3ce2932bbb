-- A service migration written after the kit's V900 was applied: numbered below it, applied all the same.
CREATE TABLE gadgets (id bigint PRIMARY KEY);
