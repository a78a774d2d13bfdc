-- The index's tables. Portable SQL: the same text runs on SQLite and PostgreSQL. Hashes, keys
-- and accounts are `0x` hex text; times are milliseconds since the Unix epoch; every row keeps
-- where on chain it came from (block number and hash, extrinsic index and hash, event index).

-- One row: which chain this database indexes, and the last block written.
CREATE TABLE IF NOT EXISTS cursor (
	id BIGINT PRIMARY KEY,
	genesis_hash TEXT NOT NULL,
	block_number BIGINT NOT NULL,
	block_hash TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS blocks (
	number BIGINT PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE,
	parent_hash TEXT NOT NULL,
	spec_version BIGINT NOT NULL,
	timestamp BIGINT NOT NULL,
	extrinsics BIGINT NOT NULL,
	from_archive BIGINT NOT NULL
);

-- GRANDPA justifications of finalized blocks, as the node kept them when the block was indexed
-- (every 16th block): a proof that an earlier block is final ends at the next one of these.
CREATE TABLE IF NOT EXISTS justifications (
	number BIGINT PRIMARY KEY,
	justification TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS screenings (
	device BIGINT NOT NULL,
	seq BIGINT NOT NULL,
	record_hash TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	cpl_id TEXT,
	film_code TEXT,
	title TEXT NOT NULL,
	title_lower TEXT NOT NULL,
	projectionist TEXT NOT NULL,
	started_at BIGINT NOT NULL,
	ended_at BIGINT NOT NULL,
	cinema BIGINT NOT NULL,
	hall BIGINT NOT NULL,
	region TEXT NOT NULL,
	latitude BIGINT,
	longitude BIGINT,
	outcome TEXT NOT NULL,
	abort_reason BIGINT,
	report_hash TEXT,
	recorded_at BIGINT NOT NULL,
	block_number BIGINT NOT NULL,
	block_hash TEXT NOT NULL,
	extrinsic_index BIGINT,
	extrinsic_hash TEXT,
	event_index BIGINT NOT NULL,
	PRIMARY KEY (device, seq)
);
-- One index per filter of GET /screenings, each in listing order (start time) after its key.
-- The film code, CPL and projectionist indexes carry the region too: "this film in this
-- province" is then checked in the index, and only matching rows are read from the table
-- (film code with region: p99 31.5 -> 7.9 ms on 1,000,000 screenings).
CREATE INDEX IF NOT EXISTS screenings_by_time ON screenings (started_at, device, seq);
-- The knowledge pass reads each block's new screenings in order (see `judged`).
CREATE INDEX IF NOT EXISTS screenings_by_block ON screenings (block_number);
CREATE INDEX IF NOT EXISTS screenings_by_cinema ON screenings (cinema, started_at);
CREATE INDEX IF NOT EXISTS screenings_by_region ON screenings (region, started_at);
CREATE INDEX IF NOT EXISTS screenings_by_film_code_region ON screenings (film_code, started_at, region);
CREATE INDEX IF NOT EXISTS screenings_by_cpl_region ON screenings (cpl_id, started_at, region);
CREATE INDEX IF NOT EXISTS screenings_by_projectionist_region ON screenings (projectionist, started_at, region);
-- A title search reads each matching title's first page from here (see `titles`).
CREATE INDEX IF NOT EXISTS screenings_by_title ON screenings (title_lower, started_at, device, seq);
-- Indexes of earlier versions, replaced by the ones above (or unused), dropped from older files.
DROP INDEX IF EXISTS screenings_by_film_code;
DROP INDEX IF EXISTS screenings_by_cpl;
DROP INDEX IF EXISTS screenings_by_projectionist;

-- The distinct titles of the screenings (lower case) and how many screenings each has. A title
-- search matches its words against these few rows first, then reads only those titles'
-- screenings: a title shown twice in a year costs two index reads, not a scan of every
-- screening.
CREATE TABLE IF NOT EXISTS titles (
	title_lower TEXT PRIMARY KEY,
	screenings BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS flags (
	device BIGINT NOT NULL,
	seq BIGINT NOT NULL,
	flag_block BIGINT NOT NULL,
	reason BIGINT NOT NULL,
	supervisor TEXT NOT NULL,
	flag_block_hash TEXT NOT NULL,
	flag_extrinsic_index BIGINT,
	flag_extrinsic_hash TEXT,
	flag_event_index BIGINT NOT NULL,
	resolution BIGINT,
	resolved_by TEXT,
	resolved_block BIGINT,
	resolved_block_hash TEXT,
	resolved_extrinsic_index BIGINT,
	resolved_extrinsic_hash TEXT,
	resolved_event_index BIGINT,
	PRIMARY KEY (device, seq, flag_block)
);

-- Every event of cinechain's pallets but ScreeningRecorded (that is the screenings table).
CREATE TABLE IF NOT EXISTS events (
	block_number BIGINT NOT NULL,
	event_index BIGINT NOT NULL,
	block_hash TEXT NOT NULL,
	extrinsic_index BIGINT,
	extrinsic_hash TEXT,
	pallet TEXT NOT NULL,
	name TEXT NOT NULL,
	device BIGINT,
	cinema BIGINT,
	account TEXT,
	node BIGINT,
	fields TEXT NOT NULL,
	PRIMARY KEY (block_number, event_index)
);
CREATE INDEX IF NOT EXISTS events_by_device ON events (device, block_number);
CREATE INDEX IF NOT EXISTS events_by_cinema ON events (cinema, block_number);
CREATE INDEX IF NOT EXISTS events_by_account ON events (account, block_number);
CREATE INDEX IF NOT EXISTS events_by_node ON events (node, block_number);

-- Registry entries as the chain holds them after the last indexed block that touched them.
CREATE TABLE IF NOT EXISTS cinemas (
	cinema BIGINT PRIMARY KEY,
	region TEXT NOT NULL,
	name TEXT NOT NULL,
	latitude BIGINT,
	longitude BIGINT,
	updated_block BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS devices (
	device BIGINT PRIMARY KEY,
	device_key TEXT NOT NULL,
	cinema BIGINT NOT NULL,
	region TEXT NOT NULL,
	status TEXT NOT NULL,
	status_since BIGINT NOT NULL,
	manufacturer TEXT NOT NULL,
	model TEXT NOT NULL,
	serial_number TEXT NOT NULL,
	firmware_version TEXT NOT NULL,
	production_date BIGINT NOT NULL,
	updated_block BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS devices_by_key ON devices (device_key);
CREATE INDEX IF NOT EXISTS devices_by_cinema ON devices (cinema);

CREATE TABLE IF NOT EXISTS grants (
	account TEXT NOT NULL,
	role TEXT NOT NULL,
	scope TEXT NOT NULL,
	expires_at BIGINT,
	granted_at BIGINT NOT NULL,
	updated_block BIGINT NOT NULL,
	PRIMARY KEY (account, role)
);

-- Anomaly alerts (indexer/src/anomaly.rs), written by the knowledge pass as it judges indexed
-- blocks. `device`/`seq` name the record that raised an alert (none for the daily rules);
-- `related` lists the other records as JSON [[device, seq], ...]. `limit_value` is the limit
-- broken, in the unit of `measured`. An alert's severity is its rule's (`anomaly::Rule::severity`).
CREATE TABLE IF NOT EXISTS alerts (
	id BIGINT PRIMARY KEY,
	rule TEXT NOT NULL,
	device BIGINT,
	seq BIGINT,
	related TEXT NOT NULL,
	cinema BIGINT NOT NULL,
	hall BIGINT,
	measured BIGINT NOT NULL,
	limit_value BIGINT NOT NULL,
	at BIGINT NOT NULL,
	block_number BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_by_record ON alerts (device, seq);
CREATE INDEX IF NOT EXISTS alerts_by_rule ON alerts (rule, id);
CREATE INDEX IF NOT EXISTS alerts_by_cinema ON alerts (cinema, id);

-- Where the knowledge pass stands: the last block judged, and the last local day whose daily
-- rules ran. Moved in the same transaction as the alerts it wrote.
CREATE TABLE IF NOT EXISTS judged (
	id BIGINT PRIMARY KEY,
	block_number BIGINT NOT NULL,
	day BIGINT,
	today BIGINT NOT NULL
);

-- Screenings per local day (days since 1970-01-01 in the knowledge pass's time zone), by cinema
-- (with its region) and by film (film code, else CPL id, else lower-case title): what the daily
-- charts and the forecasts read instead of counting screenings. Counted by the knowledge pass
-- in the transaction that moves `judged`.
CREATE TABLE IF NOT EXISTS daily_cinemas (
	day BIGINT NOT NULL,
	cinema BIGINT NOT NULL,
	region TEXT NOT NULL,
	screenings BIGINT NOT NULL,
	PRIMARY KEY (day, cinema)
);
CREATE INDEX IF NOT EXISTS daily_cinemas_by_cinema ON daily_cinemas (cinema, day);
CREATE TABLE IF NOT EXISTS daily_films (
	day BIGINT NOT NULL,
	film TEXT NOT NULL,
	screenings BIGINT NOT NULL,
	PRIMARY KEY (day, film)
);
CREATE INDEX IF NOT EXISTS daily_films_by_film ON daily_films (film, day);

-- Acknowledgements of alerts: the console's own notes (who looked at an alert, when, and what
-- they concluded), not the chain's; written through `POST /alerts/{id}/acknowledge` by holders
-- of the console's token. At most one per alert.
CREATE TABLE IF NOT EXISTS acknowledgements (
	alert BIGINT PRIMARY KEY,
	acknowledged_by TEXT NOT NULL,
	note TEXT NOT NULL,
	acknowledged_at BIGINT NOT NULL
);
