-- The band token names the band keys of this archive as they stand. The sorted runs of band keys
-- kept beside the archive (<archive>.bands/, archive/store/bandruns.py) are used only while their
-- manifest names the same token; it is renewed in the transaction that deletes any band key.
CREATE TABLE dedup_band_token (token VARCHAR NOT NULL);
INSERT INTO dedup_band_token VALUES (CAST(uuid() AS VARCHAR));
