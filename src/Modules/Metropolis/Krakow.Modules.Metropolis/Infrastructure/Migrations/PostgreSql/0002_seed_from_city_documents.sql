-- Members and the declaration named in the city's own documents (seeds 003 and 004). Dates only where the
-- documents give them: Kraków joined Eurocities on 15 October 2025; the declaration was signed after the
-- General Assembly session of 14 December 2021.
INSERT INTO metropolis.members (id, kind, name_pl, name_en, country_code, joined_at, registered_at) VALUES
    ('1261011', 1, 'Kraków', 'Kraków', 'PL', NULL, '2021-12-14 00:00:00+00:00'),
    ('lublin', 2, 'Lublin', 'Lublin', 'PL', NULL, '2021-12-14 00:00:00+00:00'),
    ('wroclaw', 2, 'Wrocław', 'Wrocław', 'PL', NULL, '2021-12-14 00:00:00+00:00'),
    ('eurocities', 3, 'Eurocities', 'Eurocities', 'BE', '2025-10-15 00:00:00+00:00', '2025-10-15 00:00:00+00:00'),
    ('icorn', 3, 'ICORN – Międzynarodowa Sieć Miast Schronienia', 'ICORN – International Cities of Refuge Network', 'NO', NULL, '2021-12-14 00:00:00+00:00');

INSERT INTO metropolis.declarations (id, title_pl, title_en, opened_at) VALUES
    ('supra-local-cooperation',
     'Instytucjonalna deklaracja wsparcia idei współpracy ponadlokalnej w ramach Metropolii Krakowskiej',
     'Institutional declaration of support for supra-local cooperation in the Kraków Metropolis',
     '2021-12-14 00:00:00+00:00');
