-- Every institution carries a data policy (model.DataPolicy, JSON): the
-- default sovereignty mode, the countries its data may live in and a
-- minimum mode per classification. Requests inherit it and may only
-- narrow it. Institutions that existed before get the sovereign default,
-- national sovereignty in their own country, rather than the old implicit
-- "any", which let a request naming only a country land on a provider
-- under a foreign jurisdiction.

-- +goose Up
ALTER TABLE institutions ADD COLUMN data_policy TEXT NOT NULL DEFAULT '{"sovereignty":"national"}';

-- +goose Down
ALTER TABLE institutions DROP COLUMN data_policy;
