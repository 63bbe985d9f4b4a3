import { describe, expect, it } from 'vitest';
import { parseFieldList } from './parse-field-list.js';
import { fold } from './prepare-text.js';

const fieldsOf = (text: string, language: 'en' | 'pl') => parseFieldList({ orig: text, fold: fold(text) }, language).fields.map((f) => `${f.name}:${f.type}:${f.label}`);

describe('ranges written as a pair become two fields', () => {
  it.each([
    ['name, date from, date to, reason', 'en', ['name:string:Name', 'dateFrom:date:Date from', 'dateTo:date:Date to', 'reason:text:Reason']],
    ['start and end dates, budget', 'en', ['startDate:date:Start date', 'endDate:date:End date', 'budget:number:Budget']],
    ['Check-in / check-out date', 'en', ['checkInDate:date:Check-in date', 'checkOutDate:date:Check-out date']],
    ['time from and to', 'en', ['timeFrom:datetime:Time from', 'timeTo:datetime:Time to']],
    ['from and to date', 'en', ['fromDate:date:From date', 'toDate:date:To date']],
    ['Godzina od i do, sala', 'pl', ['timeFrom:datetime:Godzina od', 'timeTo:datetime:Godzina do', 'room:string:Sala']],
    ['data od, data do', 'pl', ['dateFrom:date:Data od', 'dateTo:date:Data do']],
    ['data wyjazdu i powrotu', 'pl', ['dataWyjazdu:date:Data wyjazdu', 'dataPowrotu:date:Data powrotu']],
    ['supplier, valid from, valid to', 'en', ['supplier:string:Supplier', 'validFrom:date:Valid from', 'validTo:date:Valid to']],
    ['pracownik, godziny od-do', 'pl', ['pracownik:string:Pracownik', 'timeFrom:datetime:Godzina od', 'timeTo:datetime:Godzina do']],
  ] as const)('%s', (text, language, expected) => {
    expect(fieldsOf(text, language)).toEqual(expected);
  });

  it('leaves pairs that are no range as they were', () => {
    expect(fieldsOf('name and email address, phone', 'en')).toEqual(['name:string:Name', 'email:email:Email address', 'phone:string:Phone']);
    expect(fieldsOf('title, date and time', 'en')).toEqual(['title:string:Title', 'dateTime:datetime:Date and time']);
  });

  it('still ends a list where "from" starts the next clause', () => {
    expect(fieldsOf('name, date from the calendar, notes', 'en')).toEqual(['name:string:Name', 'date:date:Date']);
  });
});
