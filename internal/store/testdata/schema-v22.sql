-- soberana schema fixture: the rows of a demo server on the schema of
-- migrations 00001–00022, loaded on top of those migrations by
-- TestUpgradeFromFixture. Generated; do not edit (see upgrade_test.go).
-- schema-version: 22
-- migration: 00001_foundation.sql 6d967fbc0182dc402c54df2cb77c3bee720e4c189077262dfee59e458b818488
-- migration: 00002_workloads.sql d2f9c6db6e5c94bc552434dabe6b60cfa29d714d953741db129ce5898ee304af
-- migration: 00003_ledger.sql 867053157b0c426905d4641405b797da20f8e4a8c366eabbf14c061182677faf
-- migration: 00004_identity.sql 8cd763cc0f75d48bf1850e48ecc15b9db955879a2c801efb82f9ee587115158d
-- migration: 00005_operations.sql ebad641829c8b6d1573547af20f7f3fd0d6d3092bdd384bccf3765f0cc2d0400
-- migration: 00006_deploy.sql a842de0c1148f24b256493806fcf4033e93bf48090e6615455aeee08febe0dcc
-- migration: 00007_derived_credentials.sql 9e722f06cdbcb1aa461f750e2f92a474e3675b17d4509079900194521e70fd36
-- migration: 00008_trust_hygiene.sql f62cf7bdfdc886d07e6aa7224960e4ebc6f998696f6b1593351f606fff7340f6
-- migration: 00010_data_policy.sql 1cc5d0e7d7a826109f0eadec578b2c5ab4859c471d80c19a17a7ed6c1b5ee27a
-- migration: 00011_drift.sql b2ae8f2b89f960c97e20a9c2409bd97a149f0087b34acf68d747d438ee88f861
-- migration: 00012_installation.sql de0b6adf385f0970a8b2f3bf7d3ee7db98a0d4a8418c84aa7f42b04c02701a6f
-- migration: 00013_images_keys.sql fb8b6dbcd95e33744f4bf7bd99788482ba3720cc22174ce8f2bd2d42ecd0d993
-- migration: 00014_power.sql da4f7903f0b3ccb87655722dd8da8aad184e772851be2277914f0f8870fbcfc1
-- migration: 00015_ssh_certificates.sql 959604b0548f780be35b485d2ee4b3047b54278ec0fac3b4c0460585499ebb0a
-- migration: 00016_replica_usage.sql 7dfa154529396db903b45160de8f863a8664dfad68b43ed8ca5ce3830415d642
-- migration: 00017_audit_queue.sql 888b55d2f2d0a56b04a8f4959011d40b52b7fda723f082dc1c571bce02118274
-- migration: 00018_replicas.sql 12f25fb55630cadadc26c8238083be6ce0c24d1339ca325bcaf3d266a571d846
-- migration: 00022_edge.sql 334c8b1a910964c5c7af7716cd6f203fa078707f136c96cdfa11511e97f1c80a
-- workload: wl_00363rbjpdqiu00001fmclhk6o
-- workload: wl_00363rbjpjsvs00001ju1sec2o
-- workload: wl_00363rbjpo9ja00001ndjadml4
DELETE FROM subcloud_sites;
DELETE FROM subclouds;
DELETE FROM edge_groups;
DELETE FROM rate_counters;
DELETE FROM console_sessions;
DELETE FROM audit_queue;
DELETE FROM replica_usage;
DELETE FROM ssh_certificates;
DELETE FROM ssh_cas;
DELETE FROM sim_boot;
DELETE FROM replica_boot;
DELETE FROM ssh_keys;
DELETE FROM images;
DELETE FROM installation;
DELETE FROM workload_drift_policies;
DELETE FROM placement_drifts;
DELETE FROM login_failures;
DELETE FROM budget_reductions;
DELETE FROM webhook_deliveries;
DELETE FROM releases;
DELETE FROM apps;
DELETE FROM evacuations;
DELETE FROM migrations;
DELETE FROM alert_deliveries;
DELETE FROM alert_webhooks;
DELETE FROM alerts;
DELETE FROM secrets;
DELETE FROM audit_checkpoints;
DELETE FROM audit_head;
DELETE FROM audit_events;
DELETE FROM grant_changes;
DELETE FROM grants;
DELETE FROM sessions;
DELETE FROM role_bindings;
DELETE FROM users;
DELETE FROM statement_closures;
DELETE FROM budget_alerts;
DELETE FROM budget_balances;
DELETE FROM ledger_lines;
DELETE FROM usage_intervals;
DELETE FROM ledger_workloads;
DELETE FROM sim_faults;
DELETE FROM sim_resources;
DELETE FROM leases;
DELETE FROM idempotency_keys;
DELETE FROM workload_events;
DELETE FROM placements;
DELETE FROM workloads;
DELETE FROM settings;
DELETE FROM fx_rates;
DELETE FROM tokens;
DELETE FROM projects;
DELETE FROM budget_lines;
DELETE FROM institutions;
DELETE FROM prices;
DELETE FROM offerings;
DELETE FROM sites;
DELETE FROM providers;
INSERT INTO providers (id, name, driver, jurisdiction, certification, currency, simulated, health, created_at, updated_at, version, kind) VALUES ('prv_00363rbjna1ha000005ceb4gac', 'Nuvem Verde (sim)', 'sim', 'BR', 'restricted', 'BRL', TRUE, 'healthy', 1796522337010453, 1796522337010453, 1, '');
INSERT INTO providers (id, name, driver, jurisdiction, certification, currency, simulated, health, created_at, updated_at, version, kind) VALUES ('prv_00363rbjna24800000c81h3i0c', 'Nube Azteca (sim)', 'sim', 'MX', 'restricted', 'MXN', TRUE, 'healthy', 1796522337010757, 1796522337010757, 1, '');
INSERT INTO providers (id, name, driver, jurisdiction, certification, currency, simulated, health, created_at, updated_at, version, kind) VALUES ('prv_00363rbjna2h200000igseeqj8', 'Telco Andina (sim)', 'sim', 'CL', 'confidential', 'CLP', TRUE, 'healthy', 1796522337010961, 1796522337010961, 1, '');
INSERT INTO providers (id, name, driver, jurisdiction, certification, currency, simulated, health, created_at, updated_at, version, kind) VALUES ('prv_00363rbjna2ui00000pbe5eni0', 'Global Hyperscale LatAm (sim)', 'sim', 'US', 'internal', 'USD', TRUE, 'healthy', 1796522337011177, 1796522337011177, 1, '');
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna1jg000005jnod10o', 'prv_00363rbjna1ha000005ceb4gac', 'gru-1', 'BR', 'BR-SP', 'São Paulo', -23.5505, -46.6333, 'core', 'br-southeast-a', '', 2048, 8388608, 200000, '4', '1', '1', 'healthy', TRUE, 1796522337010489, 1796522337010489, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna1li000006bf78kg4', 'prv_00363rbjna1ha000005ceb4gac', 'gig-1', 'BR', 'BR-RJ', 'Rio de Janeiro', -22.9068, -43.1729, 'core', 'br-southeast-b', '', 1024, 4194304, 100000, '4', '1', '1', 'healthy', TRUE, 1796522337010521, 1796522337010521, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna1n0000006l66rboo', 'prv_00363rbjna1ha000005ceb4gac', 'bsb-1', 'BR', 'BR-DF', 'Brasília', -15.7939, -47.8828, 'core', 'br-central', '', 1024, 4194304, 100000, '4', '1', '1', 'healthy', TRUE, 1796522337010544, 1796522337010544, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna1o8000007cgee69s', 'prv_00363rbjna1ha000005ceb4gac', 'rec-edge-1', 'BR', 'BR-PE', 'Recife', -8.0476, -34.877, 'edge', 'br-northeast', '', 64, 262144, 4000, '4', '1', '1', 'healthy', TRUE, 1796522337010565, 1796522337010565, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna1qe000007rojjnb4', 'prv_00363rbjna1ha000005ceb4gac', 'poa-edge-1', 'BR', 'BR-RS', 'Porto Alegre', -30.0346, -51.2177, 'edge', 'br-south', '', 64, 262144, 4000, '4', '1', '1', 'healthy', TRUE, 1796522337010600, 1796522337010600, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna25e00000cs4t4ggk', 'prv_00363rbjna24800000c81h3i0c', 'mex-1', 'MX', 'MX-CMX', 'Ciudad de México', 19.4326, -99.1332, 'core', 'mx-centro-a', '', 2048, 8388608, 200000, '4', '1', '1', 'healthy', TRUE, 1796522337010776, 1796522337010776, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna26k00000d1p5v42k', 'prv_00363rbjna24800000c81h3i0c', 'qro-1', 'MX', 'MX-QUE', 'Querétaro', 20.5888, -100.3899, 'core', 'mx-centro-b', '', 1024, 4194304, 100000, '4', '1', '1', 'healthy', TRUE, 1796522337010794, 1796522337010794, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna27o00000dvdg17eo', 'prv_00363rbjna24800000c81h3i0c', 'gdl-1', 'MX', 'MX-JAL', 'Guadalajara', 20.6597, -103.3496, 'core', 'mx-occidente', '', 512, 2097152, 50000, '4', '1', '1', 'healthy', TRUE, 1796522337010812, 1796522337010812, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna28s00000ee8sid1c', 'prv_00363rbjna24800000c81h3i0c', 'mty-edge-1', 'MX', 'MX-NLE', 'Monterrey', 25.6866, -100.3161, 'edge', 'mx-norte', '', 64, 262144, 4000, '4', '1', '1', 'healthy', TRUE, 1796522337010830, 1796522337010830, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna2hs00000jdg7uc7o', 'prv_00363rbjna2h200000igseeqj8', 'scl-1', 'CL', 'CL-RM', 'Santiago', -33.4489, -70.6693, 'core', 'cl-rm-a', '', 1024, 4194304, 100000, '4', '1', '1', 'healthy', TRUE, 1796522337010974, 1796522337010974, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna2j000000jhuu7hmc', 'prv_00363rbjna2h200000igseeqj8', 'vap-edge-1', 'CL', 'CL-VS', 'Valparaíso', -33.0472, -71.6127, 'edge', 'cl-vs', '', 64, 262144, 4000, '4', '1', '1', 'healthy', TRUE, 1796522337010992, 1796522337010992, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna2ke00000k0i3b6ik', 'prv_00363rbjna2h200000igseeqj8', 'ccp-edge-1', 'CL', 'CL-BI', 'Concepción', -36.827, -73.0503, 'edge', 'cl-bi', '', 64, 262144, 4000, '4', '1', '1', 'healthy', TRUE, 1796522337011016, 1796522337011016, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna2m200000kl4tb388', 'prv_00363rbjna2h200000igseeqj8', 'anf-edge-1', 'CL', 'CL-AN', 'Antofagasta', -23.6509, -70.3975, 'edge', 'cl-an', '', 32, 131072, 2000, '4', '1', '1', 'healthy', TRUE, 1796522337011041, 1796522337011041, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna2vc00000pscjmi90', 'prv_00363rbjna2ui00000pbe5eni0', 'bog-1', 'CO', 'CO-DC', 'Bogotá', 4.711, -74.0721, 'core', 'co-andina-a', '', 2048, 8388608, 200000, '4', '1', '1', 'healthy', TRUE, 1796522337011190, 1796522337011190, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna30g00000q90ncbro', 'prv_00363rbjna2ui00000pbe5eni0', 'mde-1', 'CO', 'CO-ANT', 'Medellín', 6.2442, -75.5812, 'core', 'co-andina-b', '', 1024, 4194304, 100000, '4', '1', '1', 'healthy', TRUE, 1796522337011208, 1796522337011208, 1);
INSERT INTO sites (id, provider_id, name, country, subdivision, city, latitude, longitude, tier, failure_domain, certification, vcpus, memory_mib, disk_gib, overcommit_vcpu, overcommit_memory, overcommit_disk, health, simulated, created_at, updated_at, version) VALUES ('site_00363rbjna31i00000qlblpnn8', 'prv_00363rbjna2ui00000pbe5eni0', 'gru-hs-1', 'BR', 'BR-SP', 'São Paulo', -23.5329, -46.7917, 'core', 'br-hs-sp', '', 4096, 16777216, 400000, '4', '1', '1', 'healthy', TRUE, 1796522337011226, 1796522337011226, 1);
INSERT INTO offerings (id, name, kind, vcpus, memory_mib, disk_gib, description, created_at, updated_at, version) VALUES ('off_00363rbjna190000001ap3u9l4', 'SCS-1V-2-20s', 'vm', 1, 2048, 20, '1 vCPU, 2 GiB, 20 GB SSD', 1796522337010321, 1796522337010321, 1);
INSERT INTO offerings (id, name, kind, vcpus, memory_mib, disk_gib, description, created_at, updated_at, version) VALUES ('off_00363rbjna1am000001j6kqifc', 'SCS-2V-4-20s', 'vm', 2, 4096, 20, '2 vCPU, 4 GiB, 20 GB SSD', 1796522337010348, 1796522337010348, 1);
INSERT INTO offerings (id, name, kind, vcpus, memory_mib, disk_gib, description, created_at, updated_at, version) VALUES ('off_00363rbjna1bq000002bodi9a8', 'SCS-2V-8-50', 'vm', 2, 8192, 50, '2 vCPU, 8 GiB, 50 GB', 1796522337010366, 1796522337010366, 1);
INSERT INTO offerings (id, name, kind, vcpus, memory_mib, disk_gib, description, created_at, updated_at, version) VALUES ('off_00363rbjna1cq000002g14rd9k', 'SCS-4V-16-50', 'vm', 4, 16384, 50, '4 vCPU, 16 GiB, 50 GB', 1796522337010382, 1796522337010382, 1);
INSERT INTO offerings (id, name, kind, vcpus, memory_mib, disk_gib, description, created_at, updated_at, version) VALUES ('off_00363rbjna1di0000039sbu9js', 'SCS-8V-32-100', 'vm', 8, 32768, 100, '8 vCPU, 32 GiB, 100 GB', 1796522337010394, 1796522337010394, 1);
INSERT INTO offerings (id, name, kind, vcpus, memory_mib, disk_gib, description, created_at, updated_at, version) VALUES ('off_00363rbjna1ei000003g40i6eo', 'SCS-16V-64-200s', 'vm', 16, 65536, 200, '16 vCPU, 64 GiB, 200 GB SSD', 1796522337010410, 1796522337010410, 1);
INSERT INTO offerings (id, name, kind, vcpus, memory_mib, disk_gib, description, created_at, updated_at, version) VALUES ('off_00363rbjna1f60000043vjtqks', 'ns-small', 'namespace', 4, 8192, 20, 'Kubernetes namespace quota: 4 vCPU, 8 GiB, 20 GiB', 1796522337010420, 1796522337010420, 1);
INSERT INTO offerings (id, name, kind, vcpus, memory_mib, disk_gib, description, created_at, updated_at, version) VALUES ('off_00363rbjna1fs000004m0p1a6s', 'vol-100', 'volume', 0, 0, 100, 'Block volume, 100 GiB', 1796522337010430, 1796522337010430, 1);
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna1s80000080e5h22k', 'prv_00363rbjna1ha000005ceb4gac', 'off_00363rbjna190000001ap3u9l4', 'BRL', '0.151000', '2026-01-01', 1796522337010628, 1796522337010628, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna1tk000008tr8k480', 'prv_00363rbjna1ha000005ceb4gac', 'off_00363rbjna1am000001j6kqifc', 'BRL', '0.294000', '2026-01-01', 1796522337010651, 1796522337010651, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna1ug00000917hto0o', 'prv_00363rbjna1ha000005ceb4gac', 'off_00363rbjna1bq000002bodi9a8', 'BRL', '0.402000', '2026-01-01', 1796522337010665, 1796522337010665, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna20c000009q3cvs7o', 'prv_00363rbjna1ha000005ceb4gac', 'off_00363rbjna1cq000002g14rd9k', 'BRL', '0.784000', '2026-01-01', 1796522337010694, 1796522337010694, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna21200000abseb1lk', 'prv_00363rbjna1ha000005ceb4gac', 'off_00363rbjna1di0000039sbu9js', 'BRL', '1.568000', '2026-01-01', 1796522337010705, 1796522337010705, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna21o00000agb3ajb0', 'prv_00363rbjna1ha000005ceb4gac', 'off_00363rbjna1ei000003g40i6eo', 'BRL', '3.136000', '2026-01-01', 1796522337010717, 1796522337010717, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna22o00000b6kjftc8', 'prv_00363rbjna1ha000005ceb4gac', 'off_00363rbjna1f60000043vjtqks', 'BRL', '0.580000', '2026-01-01', 1796522337010732, 1796522337010732, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna23g00000bkmdmhv8', 'prv_00363rbjna1ha000005ceb4gac', 'off_00363rbjna1fs000004m0p1a6s', 'BRL', '0.040000', '2026-01-01', 1796522337010744, 1796522337010744, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna29u00000erpvvet4', 'prv_00363rbjna24800000c81h3i0c', 'off_00363rbjna190000001ap3u9l4', 'MXN', '0.530000', '2026-01-01', 1796522337010848, 1796522337010848, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2bo00000fbvlkomo', 'prv_00363rbjna24800000c81h3i0c', 'off_00363rbjna1am000001j6kqifc', 'MXN', '1.030000', '2026-01-01', 1796522337010877, 1796522337010877, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2cg00000fq8ugnqg', 'prv_00363rbjna24800000c81h3i0c', 'off_00363rbjna1bq000002bodi9a8', 'MXN', '1.415000', '2026-01-01', 1796522337010889, 1796522337010889, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2d800000g45skgdo', 'prv_00363rbjna24800000c81h3i0c', 'off_00363rbjna1cq000002g14rd9k', 'MXN', '2.755000', '2026-01-01', 1796522337010900, 1796522337010900, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2ds00000gipsg878', 'prv_00363rbjna24800000c81h3i0c', 'off_00363rbjna1di0000039sbu9js', 'MXN', '5.510000', '2026-01-01', 1796522337010910, 1796522337010910, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2es00000he65es1c', 'prv_00363rbjna24800000c81h3i0c', 'off_00363rbjna1ei000003g40i6eo', 'MXN', '11.020000', '2026-01-01', 1796522337010926, 1796522337010926, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2fi00000hj0cd6d0', 'prv_00363rbjna24800000c81h3i0c', 'off_00363rbjna1f60000043vjtqks', 'MXN', '2.030000', '2026-01-01', 1796522337010937, 1796522337010937, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2g800000i6v8cfa8', 'prv_00363rbjna24800000c81h3i0c', 'off_00363rbjna1fs000004m0p1a6s', 'MXN', '0.150000', '2026-01-01', 1796522337010949, 1796522337010949, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2n200000l6kmora4', 'prv_00363rbjna2h200000igseeqj8', 'off_00363rbjna190000001ap3u9l4', 'CLP', '27.900000', '2026-01-01', 1796522337011058, 1796522337011058, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2no00000lu5br9e0', 'prv_00363rbjna2h200000igseeqj8', 'off_00363rbjna1am000001j6kqifc', 'CLP', '54.200000', '2026-01-01', 1796522337011069, 1796522337011069, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2ok00000m5d26iog', 'prv_00363rbjna2h200000igseeqj8', 'off_00363rbjna1bq000002bodi9a8', 'CLP', '74.200000', '2026-01-01', 1796522337011082, 1796522337011082, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2pc00000mgprh6n4', 'prv_00363rbjna2h200000igseeqj8', 'off_00363rbjna1cq000002g14rd9k', 'CLP', '144.400000', '2026-01-01', 1796522337011095, 1796522337011095, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2r800000n28c7oe4', 'prv_00363rbjna2h200000igseeqj8', 'off_00363rbjna1di0000039sbu9js', 'CLP', '288.800000', '2026-01-01', 1796522337011124, 1796522337011124, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2ru00000npg3l7do', 'prv_00363rbjna2h200000igseeqj8', 'off_00363rbjna1ei000003g40i6eo', 'CLP', '577.600000', '2026-01-01', 1796522337011135, 1796522337011135, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2sk00000o9mkfup8', 'prv_00363rbjna2h200000igseeqj8', 'off_00363rbjna1f60000043vjtqks', 'CLP', '106.800000', '2026-01-01', 1796522337011146, 1796522337011146, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna2to00000om2b3jus', 'prv_00363rbjna2h200000igseeqj8', 'off_00363rbjna1fs000004m0p1a6s', 'CLP', '8.000000', '2026-01-01', 1796522337011164, 1796522337011164, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna32m00000r86po774', 'prv_00363rbjna2ui00000pbe5eni0', 'off_00363rbjna190000001ap3u9l4', 'USD', '0.027200', '2026-01-01', 1796522337011243, 1796522337011243, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna33o00000rll0ug4s', 'prv_00363rbjna2ui00000pbe5eni0', 'off_00363rbjna1am000001j6kqifc', 'USD', '0.052800', '2026-01-01', 1796522337011260, 1796522337011260, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna34e00000sap23jeo', 'prv_00363rbjna2ui00000pbe5eni0', 'off_00363rbjna1bq000002bodi9a8', 'USD', '0.072400', '2026-01-01', 1796522337011271, 1796522337011271, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna35400000shohkdcg', 'prv_00363rbjna2ui00000pbe5eni0', 'off_00363rbjna1cq000002g14rd9k', 'USD', '0.140800', '2026-01-01', 1796522337011282, 1796522337011282, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna35q00000t3cqkd00', 'prv_00363rbjna2ui00000pbe5eni0', 'off_00363rbjna1di0000039sbu9js', 'USD', '0.281600', '2026-01-01', 1796522337011293, 1796522337011293, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna37g00000tq2677lo', 'prv_00363rbjna2ui00000pbe5eni0', 'off_00363rbjna1ei000003g40i6eo', 'USD', '0.563200', '2026-01-01', 1796522337011320, 1796522337011320, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna38600000u90p3t9s', 'prv_00363rbjna2ui00000pbe5eni0', 'off_00363rbjna1f60000043vjtqks', 'USD', '0.104000', '2026-01-01', 1796522337011331, 1796522337011331, 1, '');
INSERT INTO prices (id, provider_id, offering_id, currency, per_hour, valid_from, created_at, updated_at, version, stopped_per_hour) VALUES ('prc_00363rbjna38s00000ur0hrink', 'prv_00363rbjna2ui00000pbe5eni0', 'off_00363rbjna1fs000004m0p1a6s', 'USD', '0.008000', '2026-01-01', 1796522337011342, 1796522337011342, 1, '');
INSERT INTO institutions (id, name, country, currency, auto_approve_minor, allow_overdraft_requests, created_at, updated_at, version, data_policy) VALUES ('ins_00363rbjna3ic000013n7fh4ds', 'Ministério da Saúde (demo)', 'BR', 'BRL', 500000, TRUE, 1796522337011494, 1796522337011494, 1, '{"sovereignty":"national","countries":["BR"]}');
INSERT INTO institutions (id, name, country, currency, auto_approve_minor, allow_overdraft_requests, created_at, updated_at, version, data_policy) VALUES ('ins_00363rbjna3qq000015h869ub8', 'Ministerio de Salud de Chile (demo)', 'CL', 'CLP', 1000000, FALSE, 1796522337011630, 1796522337011630, 1, '{"sovereignty":"national","countries":["CL"]}');
INSERT INTO budget_lines (id, institution_id, fiscal_year, code, name, currency, amount_minor, created_at, updated_at, version) VALUES ('bl_00363rbjna3lu0000147du6424', 'ins_00363rbjna3ic000013n7fh4ds', 2026, '10.302.5018', 'Atenção especializada — nuvem', 'BRL', 250000000, 1796522337011551, 1796522337011551, 1);
INSERT INTO budget_lines (id, institution_id, fiscal_year, code, name, currency, amount_minor, created_at, updated_at, version) VALUES ('bl_00363rbjna3ru0000161sqpv6o', 'ins_00363rbjna3qq000015h869ub8', 2026, '21-04-001', 'Servicios de nube soberana', 'CLP', 400000000, 1796522337011648, 1796522337011648, 1);
INSERT INTO projects (id, institution_id, budget_line_id, name, created_at, updated_at, version) VALUES ('prj_00363rbjna3o0000014sddfs9s', 'ins_00363rbjna3ic000013n7fh4ds', 'bl_00363rbjna3lu0000147du6424', 'prontuario-eletronico', 1796522337011584, 1796522337011584, 1);
INSERT INTO projects (id, institution_id, budget_line_id, name, created_at, updated_at, version) VALUES ('prj_00363rbjna3q40000157l90tpo', 'ins_00363rbjna3ic000013n7fh4ds', 'bl_00363rbjna3lu0000147du6424', 'telemedicina', 1796522337011618, 1796522337011618, 1);
INSERT INTO projects (id, institution_id, budget_line_id, name, created_at, updated_at, version) VALUES ('prj_00363rbjna3su000016ia49njk', 'ins_00363rbjna3qq000015h869ub8', 'bl_00363rbjna3ru0000161sqpv6o', 'registro-clinico', 1796522337011663, 1796522337011663, 1);
INSERT INTO tokens (id, name, role, hash, expires_at, last_used_at, revoked, created_at, updated_at, version, kind, user_id, scope_kind, scope_id, created_by, last_used_ip, grant_id, institution_id) VALUES ('tok_00363rbjna148000000mqqlpt8', 'bootstrap admin', 'platform-admin', 'sha256:ee2690008047b5906b7baf18beaa0ee160d1684a348089cc0eca68e44af82f79', NULL, 1796522338093814, FALSE, 1796522337010245, 1796522337010245, 1, 'service', '', 'platform', '', 'bootstrap', '127.0.0.1', '', '');
INSERT INTO fx_rates (id, from_currency, to_currency, rate, valid_on, source, created_at, updated_at, version) VALUES ('fx_00363rbjna3au00000vbecjmgk', 'USD', 'BRL', '5.4213', '2026-01-01', 'demo (BCB PTAX style)', 1796522337011376, 1796522337011376, 1);
INSERT INTO fx_rates (id, from_currency, to_currency, rate, valid_on, source, created_at, updated_at, version) VALUES ('fx_00363rbjna3c800000vjp0ubuc', 'MXN', 'BRL', '0.2975', '2026-01-01', 'demo (BCB PTAX style)', 1796522337011396, 1796522337011396, 1);
INSERT INTO fx_rates (id, from_currency, to_currency, rate, valid_on, source, created_at, updated_at, version) VALUES ('fx_00363rbjna3cu0000109so699g', 'CLP', 'BRL', '0.005712', '2026-01-01', 'demo (BCB PTAX style)', 1796522337011407, 1796522337011407, 1);
INSERT INTO fx_rates (id, from_currency, to_currency, rate, valid_on, source, created_at, updated_at, version) VALUES ('fx_00363rbjna3dg000010vp4a5cc', 'BRL', 'CLP', '175.07', '2026-01-01', 'demo (Banco Central de Chile style)', 1796522337011417, 1796522337011417, 1);
INSERT INTO fx_rates (id, from_currency, to_currency, rate, valid_on, source, created_at, updated_at, version) VALUES ('fx_00363rbjna3ec0000119av130o', 'USD', 'CLP', '949.12', '2026-01-01', 'demo (Banco Central de Chile style)', 1796522337011431, 1796522337011431, 1);
INSERT INTO fx_rates (id, from_currency, to_currency, rate, valid_on, source, created_at, updated_at, version) VALUES ('fx_00363rbjna3f0000011mliqg68', 'MXN', 'CLP', '52.08', '2026-01-01', 'demo (Banco Central de Chile style)', 1796522337011441, 1796522337011441, 1);
INSERT INTO fx_rates (id, from_currency, to_currency, rate, valid_on, source, created_at, updated_at, version) VALUES ('fx_00363rbjna3fk000012bf7ek00', 'USD', 'MXN', '18.2231', '2026-01-01', 'demo (Banxico FIX style)', 1796522337011450, 1796522337011450, 1);
INSERT INTO fx_rates (id, from_currency, to_currency, rate, valid_on, source, created_at, updated_at, version) VALUES ('fx_00363rbjna3g8000012gu3n2ac', 'BRL', 'MXN', '3.3612', '2026-01-01', 'demo (Banxico FIX style)', 1796522337011460, 1796522337011460, 1);
INSERT INTO fx_rates (id, from_currency, to_currency, rate, valid_on, source, created_at, updated_at, version) VALUES ('fx_00363rbjna3gq0000136jgse6c', 'CLP', 'MXN', '0.019201', '2026-01-01', 'demo (Banxico FIX style)', 1796522337011469, 1796522337011469, 1);
INSERT INTO settings (key, value) VALUES ('ha/oidc_flow_key', '8f3f0221c32b273cf4ec1c0f4625e739df297a4053ac13fdfcb1a843305120d1');
INSERT INTO settings (key, value) VALUES ('initialized_at', '2026-12-06T01:58:57Z');
INSERT INTO workloads (id, project_id, institution_id, budget_line_id, offering_id, replicas, classification, residency, sovereignty, redundancy, nearness, tier, cost_ceiling_minor, preference, currency, forecast_monthly_minor, state, reason, created_by, created_at, updated_at, version, requested_by, allow_simulated, image, ssh_keys, user_data) VALUES ('wl_00363rbjpdqiu00001fmclhk6o', 'prj_00363rbjna3o0000014sddfs9s', 'ins_00363rbjna3ic000013n7fh4ds', 'bl_00363rbjna3lu0000147du6424', 'off_00363rbjna190000001ap3u9l4', 1, 'internal', '{"countries":["BR"]}', '{"mode":"national"}', '{}', 'null', '', 0, '', 'BRL', 11023, 'running', '{"key":"workload.reason.running","args":["1"]}', 'bootstrap admin (tok_00363rbjna148000000mqqlpt8)', 1796522338121384, 1796522338134075, 2, 'tok_00363rbjna148000000mqqlpt8', FALSE, '', '[]', '');
INSERT INTO workloads (id, project_id, institution_id, budget_line_id, offering_id, replicas, classification, residency, sovereignty, redundancy, nearness, tier, cost_ceiling_minor, preference, currency, forecast_monthly_minor, state, reason, created_by, created_at, updated_at, version, requested_by, allow_simulated, image, ssh_keys, user_data) VALUES ('wl_00363rbjpjsvs00001ju1sec2o', 'prj_00363rbjna3o0000014sddfs9s', 'ins_00363rbjna3ic000013n7fh4ds', 'bl_00363rbjna3lu0000147du6424', 'off_00363rbjna190000001ap3u9l4', 1, 'internal', '{"countries":["BR"]}', '{"mode":"national"}', '{}', 'null', '', 0, '', 'BRL', 11023, 'running', '{"key":"workload.reason.running","args":["1"]}', 'bootstrap admin (tok_00363rbjna148000000mqqlpt8)', 1796522338220789, 1796522338224190, 2, 'tok_00363rbjna148000000mqqlpt8', FALSE, '', '[]', '');
INSERT INTO workloads (id, project_id, institution_id, budget_line_id, offering_id, replicas, classification, residency, sovereignty, redundancy, nearness, tier, cost_ceiling_minor, preference, currency, forecast_monthly_minor, state, reason, created_by, created_at, updated_at, version, requested_by, allow_simulated, image, ssh_keys, user_data) VALUES ('wl_00363rbjpo9ja00001ndjadml4', 'prj_00363rbjna3o0000014sddfs9s', 'ins_00363rbjna3ic000013n7fh4ds', 'bl_00363rbjna3lu0000147du6424', 'off_00363rbjna190000001ap3u9l4', 1, 'internal', '{"countries":["BR"]}', '{"mode":"national"}', '{}', 'null', '', 0, '', 'BRL', 11023, 'running', '{"key":"workload.reason.running","args":["1"]}', 'bootstrap admin (tok_00363rbjna148000000mqqlpt8)', 1796522338292735, 1796522338336733, 2, 'tok_00363rbjna148000000mqqlpt8', FALSE, '', '[]', '');
INSERT INTO placements (id, workload_id, replica, site_id, provider_id, state, resource_id, reason, monthly_minor, vcpus, memory_mib, disk_gib, simulated, final_state, attempts, next_attempt_at, created_at, updated_at, version, last_seen_at, power, addresses) VALUES ('pl_00363rbjpdqja00001g4pumksk', 'wl_00363rbjpdqiu00001fmclhk6o', 0, 'site_00363rbjna1jg000005jnod10o', 'prv_00363rbjna1ha000005ceb4gac', 'running', 'sim-e90315b47a22e84a', '{"key":"replica.reason.running","args":["sim-e90315b47a22e84a"]}', 11023, 1, 2048, 20, TRUE, 'deleted', 0, NULL, 1796522338121497, 1796522338133877, 2, NULL, '', '[{"network":"sim-private","address":"10.136.3.56","version":4,"kind":"fixed"}]');
INSERT INTO placements (id, workload_id, replica, site_id, provider_id, state, resource_id, reason, monthly_minor, vcpus, memory_mib, disk_gib, simulated, final_state, attempts, next_attempt_at, created_at, updated_at, version, last_seen_at, power, addresses) VALUES ('pl_00363rbjpjt0400001k85m8b78', 'wl_00363rbjpjsvs00001ju1sec2o', 0, 'site_00363rbjna1jg000005jnod10o', 'prv_00363rbjna1ha000005ceb4gac', 'running', 'sim-4312e1d61a9bc83f', '{"key":"replica.reason.running","args":["sim-4312e1d61a9bc83f"]}', 11023, 1, 2048, 20, TRUE, 'deleted', 0, NULL, 1796522338220827, 1796522338224056, 2, NULL, '', '[{"network":"sim-private","address":"10.102.180.113","version":4,"kind":"fixed"}]');
INSERT INTO placements (id, workload_id, replica, site_id, provider_id, state, resource_id, reason, monthly_minor, vcpus, memory_mib, disk_gib, simulated, final_state, attempts, next_attempt_at, created_at, updated_at, version, last_seen_at, power, addresses) VALUES ('pl_00363rbjpo9ji00001nncm2bmg', 'wl_00363rbjpo9ja00001ndjadml4', 0, 'site_00363rbjna1jg000005jnod10o', 'prv_00363rbjna1ha000005ceb4gac', 'running', 'sim-8d474382acd97c84', '{"key":"replica.reason.running","args":["sim-8d474382acd97c84"]}', 11023, 1, 2048, 20, TRUE, 'deleted', 0, NULL, 1796522338292767, 1796522338311283, 2, NULL, '', '[{"network":"sim-private","address":"10.184.74.118","version":4,"kind":"fixed"}]');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpdrl400001gvbii60c', 'wl_00363rbjpdqiu00001fmclhk6o', 1796522338121042, 'bootstrap admin (tok_00363rbjna148000000mqqlpt8)', '', 'pending_approval', '{"key":"workload.reason.created","args":["1","SCS-1V-2-20s","BRL 110.23"]}');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpdrmk00001h97lv4k0', 'wl_00363rbjpdqiu00001fmclhk6o', 1796522338121042, 'system', 'pending_approval', 'approved', '{"key":"workload.reason.auto_approved","args":["BRL 110.23","BRL 5000.00"]}');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpek2e00001ii4fldp4', 'wl_00363rbjpdqiu00001fmclhk6o', 1796522338133749, 'system:reconciler', 'approved', 'provisioning', '{"key":"workload.reason.provisioning","args":["1"]}');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpekas00001jbffnl50', 'wl_00363rbjpdqiu00001fmclhk6o', 1796522338133749, 'system:reconciler', 'provisioning', 'running', '{"key":"workload.reason.running","args":["1"]}');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpjtja00001khc17mp4', 'wl_00363rbjpjsvs00001ju1sec2o', 1796522338220589, 'bootstrap admin (tok_00363rbjna148000000mqqlpt8)', '', 'pending_approval', '{"key":"workload.reason.created","args":["1","SCS-1V-2-20s","BRL 110.23"]}');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpjtk800001lb150j3o', 'wl_00363rbjpjsvs00001ju1sec2o', 1796522338220589, 'system', 'pending_approval', 'approved', '{"key":"workload.reason.auto_approved","args":["BRL 110.23","BRL 5000.00"]}');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpk42s00001mf1hqd2k', 'wl_00363rbjpjsvs00001ju1sec2o', 1796522338223979, 'system:reconciler', 'approved', 'provisioning', '{"key":"workload.reason.provisioning","args":["1"]}');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpk46g00001mrssbf3o', 'wl_00363rbjpjsvs00001ju1sec2o', 1796522338223979, 'system:reconciler', 'provisioning', 'running', '{"key":"workload.reason.running","args":["1"]}');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpoa3a00001o5rjur70', 'wl_00363rbjpo9ja00001ndjadml4', 1796522338292573, 'bootstrap admin (tok_00363rbjna148000000mqqlpt8)', '', 'pending_approval', '{"key":"workload.reason.created","args":["1","SCS-1V-2-20s","BRL 110.23"]}');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpoa4200001ome695no', 'wl_00363rbjpo9ja00001ndjadml4', 1796522338292573, 'system', 'pending_approval', 'approved', '{"key":"workload.reason.auto_approved","args":["BRL 110.23","BRL 5000.00"]}');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpqvs600001pnt5lofo', 'wl_00363rbjpo9ja00001ndjadml4', 1796522338309788, 'system:reconciler', 'approved', 'provisioning', '{"key":"workload.reason.provisioning","args":["1"]}');
INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES ('evt_00363rbjpr02800001q4egu6so', 'wl_00363rbjpo9ja00001ndjadml4', 1796522338309788, 'system:reconciler', 'provisioning', 'running', '{"key":"workload.reason.running","args":["1"]}');
INSERT INTO sim_resources (resource_id, provider_id, site_id, replica_id, workload_id, state, vcpus, memory_mib, disk_gib, created_at) VALUES ('sim-4312e1d61a9bc83f', 'prv_00363rbjna1ha000005ceb4gac', 'site_00363rbjna1jg000005jnod10o', 'pl_00363rbjpjt0400001k85m8b78', 'wl_00363rbjpjsvs00001ju1sec2o', 'active', 1, 2048, 20, 1796522338223773);
INSERT INTO sim_resources (resource_id, provider_id, site_id, replica_id, workload_id, state, vcpus, memory_mib, disk_gib, created_at) VALUES ('sim-8d474382acd97c84', 'prv_00363rbjna1ha000005ceb4gac', 'site_00363rbjna1jg000005jnod10o', 'pl_00363rbjpo9ji00001nncm2bmg', 'wl_00363rbjpo9ja00001ndjadml4', 'active', 1, 2048, 20, 1796522338308985);
INSERT INTO sim_resources (resource_id, provider_id, site_id, replica_id, workload_id, state, vcpus, memory_mib, disk_gib, created_at) VALUES ('sim-e90315b47a22e84a', 'prv_00363rbjna1ha000005ceb4gac', 'site_00363rbjna1jg000005jnod10o', 'pl_00363rbjpdqja00001g4pumksk', 'wl_00363rbjpdqiu00001fmclhk6o', 'active', 1, 2048, 20, 1796522338133541);
INSERT INTO ledger_workloads (workload_id, institution_id, project_id, budget_line_id, offering_id, currency, forecast_monthly_minor, overdraft_requested, created_at) VALUES ('wl_00363rbjpdqiu00001fmclhk6o', 'ins_00363rbjna3ic000013n7fh4ds', 'prj_00363rbjna3o0000014sddfs9s', 'bl_00363rbjna3lu0000147du6424', 'off_00363rbjna190000001ap3u9l4', 'BRL', 11023, FALSE, 1796522338121141);
INSERT INTO ledger_workloads (workload_id, institution_id, project_id, budget_line_id, offering_id, currency, forecast_monthly_minor, overdraft_requested, created_at) VALUES ('wl_00363rbjpjsvs00001ju1sec2o', 'ins_00363rbjna3ic000013n7fh4ds', 'prj_00363rbjna3o0000014sddfs9s', 'bl_00363rbjna3lu0000147du6424', 'off_00363rbjna190000001ap3u9l4', 'BRL', 11023, FALSE, 1796522338220641);
INSERT INTO ledger_workloads (workload_id, institution_id, project_id, budget_line_id, offering_id, currency, forecast_monthly_minor, overdraft_requested, created_at) VALUES ('wl_00363rbjpo9ja00001ndjadml4', 'ins_00363rbjna3ic000013n7fh4ds', 'prj_00363rbjna3o0000014sddfs9s', 'bl_00363rbjna3lu0000147du6424', 'off_00363rbjna190000001ap3u9l4', 'BRL', 11023, FALSE, 1796522338292617);
INSERT INTO usage_intervals (id, placement_id, workload_id, offering_id, site_id, provider_id, start_at, end_at, rated_to, stopped) VALUES ('ivl_00363rbjpejgu00001id7j11gs', 'pl_00363rbjpdqja00001g4pumksk', 'wl_00363rbjpdqiu00001fmclhk6o', 'off_00363rbjna190000001ap3u9l4', 'site_00363rbjna1jg000005jnod10o', 'prv_00363rbjna1ha000005ceb4gac', 1796522338000000, NULL, 1796522339000000, FALSE);
INSERT INTO usage_intervals (id, placement_id, workload_id, offering_id, site_id, provider_id, start_at, end_at, rated_to, stopped) VALUES ('ivl_00363rbjpk3oa00001lo8eq7jo', 'pl_00363rbjpjt0400001k85m8b78', 'wl_00363rbjpjsvs00001ju1sec2o', 'off_00363rbjna190000001ap3u9l4', 'site_00363rbjna1jg000005jnod10o', 'prv_00363rbjna1ha000005ceb4gac', 1796522338000000, NULL, 1796522339000000, FALSE);
INSERT INTO usage_intervals (id, placement_id, workload_id, offering_id, site_id, provider_id, start_at, end_at, rated_to, stopped) VALUES ('ivl_00363rbjppe3i00001p8h76ajg', 'pl_00363rbjpo9ji00001nncm2bmg', 'wl_00363rbjpo9ja00001ndjadml4', 'off_00363rbjna190000001ap3u9l4', 'site_00363rbjna1jg000005jnod10o', 'prv_00363rbjna1ha000005ceb4gac', 1796522338000000, NULL, 1796522339000000, FALSE);
INSERT INTO ledger_lines (id, kind, booked_at, period, institution_id, budget_line_id, project_id, workload_id, provider_id, interval_id, usage_from, usage_to, seconds, unit_price, price_id, provider_currency, provider_minor, currency, amount_minor, fx_rate, fx_date, fx_inverse, reverses, memo) VALUES ('charge/ivl_00363rbjpejgu00001id7j11gs/1796522338', 'charge', 1796522339319308, '2026-12', 'ins_00363rbjna3ic000013n7fh4ds', 'bl_00363rbjna3lu0000147du6424', 'prj_00363rbjna3o0000014sddfs9s', 'wl_00363rbjpdqiu00001fmclhk6o', 'prv_00363rbjna1ha000005ceb4gac', 'ivl_00363rbjpejgu00001id7j11gs', 1796522338000000, 1796522339000000, 1, '0.151', 'prc_00363rbjna1s80000080e5h22k', 'BRL', 0, 'BRL', 0, '1', '', FALSE, '', '');
INSERT INTO ledger_lines (id, kind, booked_at, period, institution_id, budget_line_id, project_id, workload_id, provider_id, interval_id, usage_from, usage_to, seconds, unit_price, price_id, provider_currency, provider_minor, currency, amount_minor, fx_rate, fx_date, fx_inverse, reverses, memo) VALUES ('charge/ivl_00363rbjpk3oa00001lo8eq7jo/1796522338', 'charge', 1796522339319308, '2026-12', 'ins_00363rbjna3ic000013n7fh4ds', 'bl_00363rbjna3lu0000147du6424', 'prj_00363rbjna3o0000014sddfs9s', 'wl_00363rbjpjsvs00001ju1sec2o', 'prv_00363rbjna1ha000005ceb4gac', 'ivl_00363rbjpk3oa00001lo8eq7jo', 1796522338000000, 1796522339000000, 1, '0.151', 'prc_00363rbjna1s80000080e5h22k', 'BRL', 0, 'BRL', 0, '1', '', FALSE, '', '');
INSERT INTO ledger_lines (id, kind, booked_at, period, institution_id, budget_line_id, project_id, workload_id, provider_id, interval_id, usage_from, usage_to, seconds, unit_price, price_id, provider_currency, provider_minor, currency, amount_minor, fx_rate, fx_date, fx_inverse, reverses, memo) VALUES ('charge/ivl_00363rbjppe3i00001p8h76ajg/1796522338', 'charge', 1796522339319308, '2026-12', 'ins_00363rbjna3ic000013n7fh4ds', 'bl_00363rbjna3lu0000147du6424', 'prj_00363rbjna3o0000014sddfs9s', 'wl_00363rbjpo9ja00001ndjadml4', 'prv_00363rbjna1ha000005ceb4gac', 'ivl_00363rbjppe3i00001p8h76ajg', 1796522338000000, 1796522339000000, 1, '0.151', 'prc_00363rbjna1s80000080e5h22k', 'BRL', 0, 'BRL', 0, '1', '', FALSE, '', '');
INSERT INTO ledger_lines (id, kind, booked_at, period, institution_id, budget_line_id, project_id, workload_id, provider_id, interval_id, usage_from, usage_to, seconds, unit_price, price_id, provider_currency, provider_minor, currency, amount_minor, fx_rate, fx_date, fx_inverse, reverses, memo) VALUES ('commit/wl_00363rbjpdqiu00001fmclhk6o', 'commitment', 1796522338121306, '2026-12', 'ins_00363rbjna3ic000013n7fh4ds', 'bl_00363rbjna3lu0000147du6424', 'prj_00363rbjna3o0000014sddfs9s', 'wl_00363rbjpdqiu00001fmclhk6o', '', '', 0, 0, 0, '', '', 'BRL', 9392, 'BRL', 9392, '1', '', FALSE, '', 'forecast BRL 110.23/month to end of 2026');
INSERT INTO ledger_lines (id, kind, booked_at, period, institution_id, budget_line_id, project_id, workload_id, provider_id, interval_id, usage_from, usage_to, seconds, unit_price, price_id, provider_currency, provider_minor, currency, amount_minor, fx_rate, fx_date, fx_inverse, reverses, memo) VALUES ('commit/wl_00363rbjpjsvs00001ju1sec2o', 'commitment', 1796522338220740, '2026-12', 'ins_00363rbjna3ic000013n7fh4ds', 'bl_00363rbjna3lu0000147du6424', 'prj_00363rbjna3o0000014sddfs9s', 'wl_00363rbjpjsvs00001ju1sec2o', '', '', 0, 0, 0, '', '', 'BRL', 9392, 'BRL', 9392, '1', '', FALSE, '', 'forecast BRL 110.23/month to end of 2026');
INSERT INTO ledger_lines (id, kind, booked_at, period, institution_id, budget_line_id, project_id, workload_id, provider_id, interval_id, usage_from, usage_to, seconds, unit_price, price_id, provider_currency, provider_minor, currency, amount_minor, fx_rate, fx_date, fx_inverse, reverses, memo) VALUES ('commit/wl_00363rbjpo9ja00001ndjadml4', 'commitment', 1796522338292698, '2026-12', 'ins_00363rbjna3ic000013n7fh4ds', 'bl_00363rbjna3lu0000147du6424', 'prj_00363rbjna3o0000014sddfs9s', 'wl_00363rbjpo9ja00001ndjadml4', '', '', 0, 0, 0, '', '', 'BRL', 9392, 'BRL', 9392, '1', '', FALSE, '', 'forecast BRL 110.23/month to end of 2026');
INSERT INTO budget_balances (budget_line_id, committed_minor, accrued_minor) VALUES ('bl_00363rbjna3lu0000147du6424', 28176, 0);
INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id, institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash) VALUES (1, 1796522338121627, 'token', 'tok_00363rbjna148000000mqqlpt8', 'bootstrap admin', 'token:tok_00363rbjna148000000mqqlpt8', 'POST /v1/workloads', 'workloads', '', 'ins_00363rbjna3ic000013n7fh4ds', 'prj_00363rbjna3o0000014sddfs9s', 'd3a84fc476f6e397', '127.0.0.1', 'success', 201, '', '06e688dc9d45d5f53cf7fbbb9ad66bb0fbbf94d4bfa3c12e44002c6301777208');
INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id, institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash) VALUES (2, 1796522338133159, 'system', 'system', 'system:sshca', '', 'ssh-ca.create', 'ssh-ca', 'SHA256:NnUuhrRFqoXFwtvkzsoTSfd1qe20Cn2HAXR3CY6n3kY', 'ins_00363rbjna3ic000013n7fh4ds', '', '', '', 'success', 0, '06e688dc9d45d5f53cf7fbbb9ad66bb0fbbf94d4bfa3c12e44002c6301777208', '5daead56150814848406454179170d77a20ca505111ad1eb880c6058c76e3eae');
INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id, institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash) VALUES (3, 1796522338220891, 'token', 'tok_00363rbjna148000000mqqlpt8', 'bootstrap admin', 'token:tok_00363rbjna148000000mqqlpt8', 'POST /v1/workloads', 'workloads', '', 'ins_00363rbjna3ic000013n7fh4ds', 'prj_00363rbjna3o0000014sddfs9s', 'ff9d16f834f1ce07', '127.0.0.1', 'success', 201, '5daead56150814848406454179170d77a20ca505111ad1eb880c6058c76e3eae', '4f4738be2bbd30868eaa8dbdc19e05937ddd50507902a298e0a3b5f12c4bac27');
INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id, institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash) VALUES (4, 1796522338292819, 'token', 'tok_00363rbjna148000000mqqlpt8', 'bootstrap admin', 'token:tok_00363rbjna148000000mqqlpt8', 'POST /v1/workloads', 'workloads', '', 'ins_00363rbjna3ic000013n7fh4ds', 'prj_00363rbjna3o0000014sddfs9s', 'f4141fe9b10e0fde', '127.0.0.1', 'success', 201, '4f4738be2bbd30868eaa8dbdc19e05937ddd50507902a298e0a3b5f12c4bac27', 'b8e57d450dadd9ae298fd6a10b60f586a1da9b31ec8108b0ce855d5aa72a3a16');
INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id, institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash) VALUES (5, 1796522339372722, 'token', 'tok_00363rbjna148000000mqqlpt8', 'bootstrap admin', 'token:tok_00363rbjna148000000mqqlpt8', 'POST /v1/audit/checkpoints', 'audit', '', '', '', '6c0206b6f6574e0c', '127.0.0.1', 'success', 200, 'b8e57d450dadd9ae298fd6a10b60f586a1da9b31ec8108b0ce855d5aa72a3a16', '295f3b3b84ea97124a9605d724e12b687fbc06510c764db9913d93d69cf13719');
INSERT INTO audit_head (id, seq, hash) VALUES (1, 5, '295f3b3b84ea97124a9605d724e12b687fbc06510c764db9913d93d69cf13719');
INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (4, 'b8e57d450dadd9ae298fd6a10b60f586a1da9b31ec8108b0ce855d5aa72a3a16', 1796522339372454, '5f61dee2725f3c2d', '7GV5Eb7o7VnnUtpx7A8XvBnI/WuMXjYjrSmi8v+n4DioYcGn+3X/mLaAU23YjyRvN14CdRWu0HMuptUshzMWCQ==');
INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (5, '295f3b3b84ea97124a9605d724e12b687fbc06510c764db9913d93d69cf13719', 1796522339376264, '5f61dee2725f3c2d', 'Tvrh+FMLNsWFQtFBTZapyQKWNuHTa7oCOBS53Zj5Npi4zOC0xvJhdDjuKckKzm9TlC025BVHnIVrg1BT7KFSDg==');
INSERT INTO secrets (id, owner_kind, owner_id, name, key_id, ciphertext, created_at, updated_at) VALUES ('sec_00363rbjpei6800001hje6emac', 'institution', 'ins_00363rbjna3ic000013n7fh4ds', 'ssh-ca', 'local1', 'v1:local1:XuT+ilZxuxoSyxA0UtVhjVIuQXnEeWQSWoDg5g6HIHvQykhsi5R+M5I3BNOa7vEfVyTt6y4SUlxv2FjY', 1796522338133091, 1796522338133091);
INSERT INTO installation (singleton, id, created_at) VALUES (1, 'inst_00363rbjnadgg0000171g5q3p4', 1796522337016588);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnae06000017vmvvnjk', 'prv_00363rbjna1ha000005ceb4gac', '', 'ubuntu-24.04', 'sim-image-ubuntu-24.04', 'ubuntu-24.04 (simulated)', TRUE, 1796522337016836, 1796522337016836, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnae1u000018bpagn78', 'prv_00363rbjna1ha000005ceb4gac', '', 'ubuntu-22.04', 'sim-image-ubuntu-22.04', 'ubuntu-22.04 (simulated)', TRUE, 1796522337016864, 1796522337016864, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnae2u000018itnp14s', 'prv_00363rbjna1ha000005ceb4gac', '', 'debian-12', 'sim-image-debian-12', 'debian-12 (simulated)', TRUE, 1796522337016880, 1796522337016880, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnae3o000019f1io2jo', 'prv_00363rbjna1ha000005ceb4gac', '', 'rocky-9', 'sim-image-rocky-9', 'rocky-9 (simulated)', TRUE, 1796522337016892, 1796522337016892, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaeb8000019pst91co', 'prv_00363rbjna24800000c81h3i0c', '', 'ubuntu-24.04', 'sim-image-ubuntu-24.04', 'ubuntu-24.04 (simulated)', TRUE, 1796522337017012, 1796522337017012, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaecm00001a44o49cg', 'prv_00363rbjna24800000c81h3i0c', '', 'ubuntu-22.04', 'sim-image-ubuntu-22.04', 'ubuntu-22.04 (simulated)', TRUE, 1796522337017036, 1796522337017036, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaedg00001amvk3aio', 'prv_00363rbjna24800000c81h3i0c', '', 'debian-12', 'sim-image-debian-12', 'debian-12 (simulated)', TRUE, 1796522337017048, 1796522337017048, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaee800001base1g7o', 'prv_00363rbjna24800000c81h3i0c', '', 'rocky-9', 'sim-image-rocky-9', 'rocky-9 (simulated)', TRUE, 1796522337017060, 1796522337017060, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaekc00001bompga00', 'prv_00363rbjna2h200000igseeqj8', '', 'ubuntu-24.04', 'sim-image-ubuntu-24.04', 'ubuntu-24.04 (simulated)', TRUE, 1796522337017159, 1796522337017159, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaelu00001cd3r7sl4', 'prv_00363rbjna2h200000igseeqj8', '', 'ubuntu-22.04', 'sim-image-ubuntu-22.04', 'ubuntu-22.04 (simulated)', TRUE, 1796522337017184, 1796522337017184, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaemu00001cis8rnrk', 'prv_00363rbjna2h200000igseeqj8', '', 'debian-12', 'sim-image-debian-12', 'debian-12 (simulated)', TRUE, 1796522337017199, 1796522337017199, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaenm00001dfbf7qlc', 'prv_00363rbjna2h200000igseeqj8', '', 'rocky-9', 'sim-image-rocky-9', 'rocky-9 (simulated)', TRUE, 1796522337017211, 1796522337017211, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaetg00001dt26cqos', 'prv_00363rbjna2ui00000pbe5eni0', '', 'ubuntu-24.04', 'sim-image-ubuntu-24.04', 'ubuntu-24.04 (simulated)', TRUE, 1796522337017304, 1796522337017304, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaeuk00001e4esq868', 'prv_00363rbjna2ui00000pbe5eni0', '', 'ubuntu-22.04', 'sim-image-ubuntu-22.04', 'ubuntu-22.04 (simulated)', TRUE, 1796522337017323, 1796522337017323, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaeve00001etg8cqs8', 'prv_00363rbjna2ui00000pbe5eni0', '', 'debian-12', 'sim-image-debian-12', 'debian-12 (simulated)', TRUE, 1796522337017336, 1796522337017336, 1);
INSERT INTO images (id, provider_id, site_id, family, image_ref, image_name, simulated, created_at, updated_at, version) VALUES ('img_00363rbjnaf0800001f2hljbt0', 'prv_00363rbjna2ui00000pbe5eni0', '', 'rocky-9', 'sim-image-rocky-9', 'rocky-9 (simulated)', TRUE, 1796522337017348, 1796522337017348, 1);
INSERT INTO replica_boot (placement_id, workload_id, image_ref, cloud_init, sha256, created_at) VALUES ('pl_00363rbjpdqja00001g4pumksk', 'wl_00363rbjpdqiu00001fmclhk6o', '', '#cloud-config
runcmd:
  - id -u soberana >/dev/null 2>&1 || useradd --create-home --shell /bin/bash soberana
  - systemctl reload ssh 2>/dev/null || systemctl reload sshd 2>/dev/null || service ssh reload 2>/dev/null || true
write_files:
  - content: |
      ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH29eJPuooqSvH06/Q/d6iV4mwwmHcCnJjVubLzERhaX soberana-institution-ca
    path: /etc/ssh/soberana_user_ca.pub
    permissions: "0644"
  - content: |
      # Written by soberana at first boot (docs/ssh-access.md): certificates signed by
      # the institution''s SSH CA log in when they name a principal listed for the
      # user in soberana_principals/<user> — this machine''s project principal only.
      TrustedUserCAKeys /etc/ssh/soberana_user_ca.pub
      AuthorizedPrincipalsFile /etc/ssh/soberana_principals/%u
    path: /etc/ssh/sshd_config.d/60-soberana.conf
    permissions: "0644"
  - content: |
      soberana-p-prj_00363rbjna3o0000014sddfs9s
    path: /etc/ssh/soberana_principals/soberana
    permissions: "0644"
  - content: |
      soberana ALL=(ALL) NOPASSWD:ALL
    path: /etc/sudoers.d/90-soberana
    permissions: "0440"
', 'b6b44e0133e06b71f13e1cd38c1146f084b6eea5960c5583835cce059b7c4a0e', 1796522338133451);
INSERT INTO replica_boot (placement_id, workload_id, image_ref, cloud_init, sha256, created_at) VALUES ('pl_00363rbjpjt0400001k85m8b78', 'wl_00363rbjpjsvs00001ju1sec2o', '', '#cloud-config
runcmd:
  - id -u soberana >/dev/null 2>&1 || useradd --create-home --shell /bin/bash soberana
  - systemctl reload ssh 2>/dev/null || systemctl reload sshd 2>/dev/null || service ssh reload 2>/dev/null || true
write_files:
  - content: |
      ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH29eJPuooqSvH06/Q/d6iV4mwwmHcCnJjVubLzERhaX soberana-institution-ca
    path: /etc/ssh/soberana_user_ca.pub
    permissions: "0644"
  - content: |
      # Written by soberana at first boot (docs/ssh-access.md): certificates signed by
      # the institution''s SSH CA log in when they name a principal listed for the
      # user in soberana_principals/<user> — this machine''s project principal only.
      TrustedUserCAKeys /etc/ssh/soberana_user_ca.pub
      AuthorizedPrincipalsFile /etc/ssh/soberana_principals/%u
    path: /etc/ssh/sshd_config.d/60-soberana.conf
    permissions: "0644"
  - content: |
      soberana-p-prj_00363rbjna3o0000014sddfs9s
    path: /etc/ssh/soberana_principals/soberana
    permissions: "0644"
  - content: |
      soberana ALL=(ALL) NOPASSWD:ALL
    path: /etc/sudoers.d/90-soberana
    permissions: "0440"
', 'b6b44e0133e06b71f13e1cd38c1146f084b6eea5960c5583835cce059b7c4a0e', 1796522338223660);
INSERT INTO replica_boot (placement_id, workload_id, image_ref, cloud_init, sha256, created_at) VALUES ('pl_00363rbjpo9ji00001nncm2bmg', 'wl_00363rbjpo9ja00001ndjadml4', '', '#cloud-config
runcmd:
  - id -u soberana >/dev/null 2>&1 || useradd --create-home --shell /bin/bash soberana
  - systemctl reload ssh 2>/dev/null || systemctl reload sshd 2>/dev/null || service ssh reload 2>/dev/null || true
write_files:
  - content: |
      ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH29eJPuooqSvH06/Q/d6iV4mwwmHcCnJjVubLzERhaX soberana-institution-ca
    path: /etc/ssh/soberana_user_ca.pub
    permissions: "0644"
  - content: |
      # Written by soberana at first boot (docs/ssh-access.md): certificates signed by
      # the institution''s SSH CA log in when they name a principal listed for the
      # user in soberana_principals/<user> — this machine''s project principal only.
      TrustedUserCAKeys /etc/ssh/soberana_user_ca.pub
      AuthorizedPrincipalsFile /etc/ssh/soberana_principals/%u
    path: /etc/ssh/sshd_config.d/60-soberana.conf
    permissions: "0644"
  - content: |
      soberana-p-prj_00363rbjna3o0000014sddfs9s
    path: /etc/ssh/soberana_principals/soberana
    permissions: "0644"
  - content: |
      soberana ALL=(ALL) NOPASSWD:ALL
    path: /etc/sudoers.d/90-soberana
    permissions: "0440"
', 'b6b44e0133e06b71f13e1cd38c1146f084b6eea5960c5583835cce059b7c4a0e', 1796522338308311);
INSERT INTO sim_boot (provider_id, replica_id, image_ref, user_data, created_at) VALUES ('prv_00363rbjna1ha000005ceb4gac', 'pl_00363rbjpdqja00001g4pumksk', '', '#cloud-config
runcmd:
  - id -u soberana >/dev/null 2>&1 || useradd --create-home --shell /bin/bash soberana
  - systemctl reload ssh 2>/dev/null || systemctl reload sshd 2>/dev/null || service ssh reload 2>/dev/null || true
write_files:
  - content: |
      ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH29eJPuooqSvH06/Q/d6iV4mwwmHcCnJjVubLzERhaX soberana-institution-ca
    path: /etc/ssh/soberana_user_ca.pub
    permissions: "0644"
  - content: |
      # Written by soberana at first boot (docs/ssh-access.md): certificates signed by
      # the institution''s SSH CA log in when they name a principal listed for the
      # user in soberana_principals/<user> — this machine''s project principal only.
      TrustedUserCAKeys /etc/ssh/soberana_user_ca.pub
      AuthorizedPrincipalsFile /etc/ssh/soberana_principals/%u
    path: /etc/ssh/sshd_config.d/60-soberana.conf
    permissions: "0644"
  - content: |
      soberana-p-prj_00363rbjna3o0000014sddfs9s
    path: /etc/ssh/soberana_principals/soberana
    permissions: "0644"
  - content: |
      soberana ALL=(ALL) NOPASSWD:ALL
    path: /etc/sudoers.d/90-soberana
    permissions: "0440"
', 1796522338133577);
INSERT INTO sim_boot (provider_id, replica_id, image_ref, user_data, created_at) VALUES ('prv_00363rbjna1ha000005ceb4gac', 'pl_00363rbjpjt0400001k85m8b78', '', '#cloud-config
runcmd:
  - id -u soberana >/dev/null 2>&1 || useradd --create-home --shell /bin/bash soberana
  - systemctl reload ssh 2>/dev/null || systemctl reload sshd 2>/dev/null || service ssh reload 2>/dev/null || true
write_files:
  - content: |
      ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH29eJPuooqSvH06/Q/d6iV4mwwmHcCnJjVubLzERhaX soberana-institution-ca
    path: /etc/ssh/soberana_user_ca.pub
    permissions: "0644"
  - content: |
      # Written by soberana at first boot (docs/ssh-access.md): certificates signed by
      # the institution''s SSH CA log in when they name a principal listed for the
      # user in soberana_principals/<user> — this machine''s project principal only.
      TrustedUserCAKeys /etc/ssh/soberana_user_ca.pub
      AuthorizedPrincipalsFile /etc/ssh/soberana_principals/%u
    path: /etc/ssh/sshd_config.d/60-soberana.conf
    permissions: "0644"
  - content: |
      soberana-p-prj_00363rbjna3o0000014sddfs9s
    path: /etc/ssh/soberana_principals/soberana
    permissions: "0644"
  - content: |
      soberana ALL=(ALL) NOPASSWD:ALL
    path: /etc/sudoers.d/90-soberana
    permissions: "0440"
', 1796522338223792);
INSERT INTO sim_boot (provider_id, replica_id, image_ref, user_data, created_at) VALUES ('prv_00363rbjna1ha000005ceb4gac', 'pl_00363rbjpo9ji00001nncm2bmg', '', '#cloud-config
runcmd:
  - id -u soberana >/dev/null 2>&1 || useradd --create-home --shell /bin/bash soberana
  - systemctl reload ssh 2>/dev/null || systemctl reload sshd 2>/dev/null || service ssh reload 2>/dev/null || true
write_files:
  - content: |
      ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH29eJPuooqSvH06/Q/d6iV4mwwmHcCnJjVubLzERhaX soberana-institution-ca
    path: /etc/ssh/soberana_user_ca.pub
    permissions: "0644"
  - content: |
      # Written by soberana at first boot (docs/ssh-access.md): certificates signed by
      # the institution''s SSH CA log in when they name a principal listed for the
      # user in soberana_principals/<user> — this machine''s project principal only.
      TrustedUserCAKeys /etc/ssh/soberana_user_ca.pub
      AuthorizedPrincipalsFile /etc/ssh/soberana_principals/%u
    path: /etc/ssh/sshd_config.d/60-soberana.conf
    permissions: "0644"
  - content: |
      soberana-p-prj_00363rbjna3o0000014sddfs9s
    path: /etc/ssh/soberana_principals/soberana
    permissions: "0644"
  - content: |
      soberana ALL=(ALL) NOPASSWD:ALL
    path: /etc/sudoers.d/90-soberana
    permissions: "0440"
', 1796522338309010);
INSERT INTO ssh_cas (institution_id, public_key, created_at) VALUES ('ins_00363rbjna3ic000013n7fh4ds', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH29eJPuooqSvH06/Q/d6iV4mwwmHcCnJjVubLzERhaX', 1796522338133057);
