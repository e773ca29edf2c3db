-- ConcurrentDeliveryTest: a source table whose rows carry a revision that grows with every write, and a read model
-- that audits itself: any write that moves a row to a lower revision, or brings back a deleted row, is recorded.
DROP SCHEMA IF EXISTS race CASCADE;
DROP SCHEMA IF EXISTS race_sink CASCADE;
CREATE SCHEMA race;
CREATE SCHEMA race_sink;
CREATE TABLE race.counters (id int PRIMARY KEY, rev int NOT NULL, payload text NOT NULL);
INSERT INTO race.counters SELECT g, 1, md5(g::text) FROM generate_series(0, 39) g;

CREATE TABLE race_sink.counters (id int PRIMARY KEY, rev int, payload text);
CREATE TABLE race_sink.violations (id int, what text NOT NULL);
CREATE TABLE race_sink.deleted_ids (id int PRIMARY KEY);
CREATE TABLE race_sink.writes (id int, rev int, kind text);

CREATE FUNCTION race_sink.audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.rev < OLD.rev THEN
        INSERT INTO race_sink.violations VALUES (NEW.id, format('row %s went back from rev %s to rev %s', NEW.id, OLD.rev, NEW.rev));
    ELSIF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM race_sink.deleted_ids d WHERE d.id = NEW.id) THEN
        INSERT INTO race_sink.violations VALUES (NEW.id, format('deleted row %s came back at rev %s', NEW.id, NEW.rev));
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO race_sink.deleted_ids VALUES (OLD.id) ON CONFLICT DO NOTHING;
    END IF;
    INSERT INTO race_sink.writes VALUES (coalesce(NEW.id, OLD.id), coalesce(NEW.rev, OLD.rev), TG_OP);
    RETURN coalesce(NEW, OLD);
END $$;
CREATE TRIGGER audit BEFORE INSERT OR UPDATE OR DELETE ON race_sink.counters
    FOR EACH ROW EXECUTE FUNCTION race_sink.audit();
