import { describe, expect, it } from 'vitest';
import { buildField, enumValues, inferFieldType, parseFieldList } from './parse-field-list.js';
import { fold } from './prepare-text.js';

const piece = (text: string) => ({ orig: text, fold: fold(text) });

describe('field types from words', () => {
  it.each([
    ['e-mail', 'en', 'email'],
    ['contact email', 'en', 'email'],
    ['adres e-mail', 'pl', 'email'],
    ['due date', 'en', 'date'],
    ['data', 'pl', 'date'],
    ['termin', 'pl', 'date'],
    ['data urodzenia', 'pl', 'date'],
    ['date and time', 'en', 'datetime'],
    ['start time', 'en', 'datetime'],
    ['godzina rozpoczęcia', 'pl', 'datetime'],
    ['amount', 'en', 'number'],
    ['price', 'en', 'number'],
    ['kwota', 'pl', 'number'],
    ['cena', 'pl', 'number'],
    ['count', 'en', 'integer'],
    ['capacity', 'en', 'integer'],
    ['limit miejsc', 'pl', 'integer'],
    ['ocena', 'pl', 'integer'],
    ['rating', 'en', 'integer'],
    ['number of guests', 'en', 'integer'],
    ['liczba uczestników', 'pl', 'integer'],
    ['is paid', 'en', 'boolean'],
    ['whether approved', 'en', 'boolean'],
    ['needs parking', 'en', 'boolean'],
    ['czy potrzebuje parkingu', 'pl', 'boolean'],
    ['website', 'en', 'url'],
    ['link', 'pl', 'url'],
    ['strona', 'pl', 'url'],
    ['description', 'en', 'text'],
    ['komentarz', 'pl', 'text'],
    ['uwagi', 'pl', 'text'],
    ['notes', 'en', 'text'],
    ['phone number', 'en', 'string'],
    ['name', 'en', 'string'],
    ['data', 'en', 'string'],
    ['time zone', 'en', 'string'],
  ] as const)('%s (%s) → %s', (words, language, type) => {
    expect(inferFieldType(fold(words), language)).toBe(type);
  });
});

describe('list items to fields', () => {
  it('reads enum values, type hints and required marks', () => {
    expect(buildField(piece('status (open, in progress or closed)'), 'en')?.field).toEqual({ name: 'status', type: 'enum', values: ['open', 'in progress', 'closed'], label: 'Status' });
    expect(buildField(piece('priority (low/high)'), 'en')?.field).toMatchObject({ type: 'enum', values: ['low', 'high'] });
    expect(buildField(piece('budget (number)'), 'en')?.field).toMatchObject({ name: 'budget', type: 'number' });
    expect(buildField(piece('notes: text'), 'en')?.field).toMatchObject({ name: 'notes', type: 'text' });
    expect(buildField(piece('cena jako liczba'), 'pl')?.field).toMatchObject({ name: 'price', type: 'number' });
    expect(buildField(piece('email (required)'), 'en')?.field).toMatchObject({ name: 'email', type: 'email', required: true });
    expect(buildField(piece('telefon (opcjonalne)'), 'pl')?.field).toMatchObject({ name: 'phone', required: false, label: 'Telefon' });
  });

  it('names Polish fields in any case ending and keeps a nominative label', () => {
    const list = parseFieldList(piece('imieniem, nazwiskiem, e-mailem i datą zatrudnienia'), 'pl');
    expect(list.fields.map((f) => [f.name, f.type, f.label])).toEqual([
      ['firstName', 'string', 'Imię'],
      ['lastName', 'string', 'Nazwisko'],
      ['email', 'email', 'E-mail'],
      ['hireDate', 'date', 'Data zatrudnienia'],
    ]);
  });

  it('keeps "date and time" and "imię i nazwisko" as one field', () => {
    expect(parseFieldList(piece('name, date and time, room'), 'en').fields.map((f) => f.name)).toEqual(['name', 'dateTime', 'room']);
    expect(parseFieldList(piece('imię i nazwisko, e-mail'), 'pl').fields.map((f) => f.name)).toEqual(['fullName', 'email']);
  });

  it('stops at the next clause and drops reserved and repeated names', () => {
    expect(parseFieldList(piece('title, author and send me a weekly summary'), 'en').fields.map((f) => f.name)).toEqual(['title', 'author']);
    expect(parseFieldList(piece('id, name, Name, created at, email'), 'en').fields.map((f) => f.name)).toEqual(['name', 'email']);
  });

  it('reads qualifiers written in brackets, before or after the name: required, optional, unique, ranges and defaults', () => {
    expect(buildField(piece('asset tag (unique)'), 'en')?.field).toMatchObject({ name: 'assetTag', type: 'string', unique: true });
    expect(buildField(piece('numer inwentarzowy (unikalny, wymagany)'), 'pl')?.field).toMatchObject({ name: 'numerInwentarzowy', unique: true, required: true });
    expect(buildField(piece('an optional due date'), 'en')?.field).toMatchObject({ name: 'dueDate', type: 'date', required: false });
    expect(buildField(piece('email required'), 'en')?.field).toMatchObject({ name: 'email', type: 'email', required: true });
    expect(buildField(piece('condition from 1 to 5'), 'en')?.field).toMatchObject({ name: 'condition', type: 'integer', min: 1, max: 5 });
    expect(buildField(piece('ocena (od 1 do 5)'), 'pl')?.field).toMatchObject({ name: 'rating', type: 'integer', min: 1, max: 5 });
    expect(buildField(piece('discount between 0.5 and 20'), 'en')?.field).toMatchObject({ name: 'discount', type: 'number', min: 0.5, max: 20 });
    expect(buildField(piece('copies (default 1)'), 'en')?.field).toMatchObject({ name: 'copies', type: 'integer', default: 1 });
    expect(buildField(piece('status (open, closed) default closed'), 'en')?.field).toMatchObject({ type: 'enum', default: 'closed' });
    expect(parseFieldList(piece('year between 1900 and 2100, title'), 'en').fields.map((f) => f.name)).toEqual(['year', 'title']);
  });

  it('names yes/no questions after what they ask, not after "whether"', () => {
    expect(buildField(piece('whether they need a parking spot'), 'en')?.field).toMatchObject({ name: 'needsParkingSpot', type: 'boolean' });
    expect(buildField(piece('whether they have an appointment'), 'en')?.field).toMatchObject({ name: 'hasAppointment', type: 'boolean' });
    expect(buildField(piece('whether the guest is vegetarian'), 'en')?.field).toMatchObject({ name: 'isVegetarian', type: 'boolean' });
    expect(buildField(piece('czy ma projektor'), 'pl')?.field).toMatchObject({ name: 'maProjektor', type: 'boolean' });
  });

  it('takes "of the incident" off a long name, and leaves stray symbols out of the list without ending it', () => {
    expect(buildField(piece('date and time of the incident'), 'en')).toMatchObject({ field: { name: 'dateTime', type: 'datetime' }, entityHint: 'incident' });
    const list = parseFieldList(piece('name, \u{1F642}, email, \uFDFD, phone'), 'en');
    expect(list.fields.map((f) => f.name)).toEqual(['name', 'email', 'phone']);
    expect(list.unread).toEqual(['\u{1F642}', '\uFDFD']);
  });

  it('needs two distinct values for an enum', () => {
    expect(enumValues('EUR')).toBeUndefined();
    expect(enumValues('a, A, b')).toEqual(['a', 'b']);
  });
});
