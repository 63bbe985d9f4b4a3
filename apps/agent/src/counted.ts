/** A count and its English noun in the form the count needs: "1 mail", "2 mails", "0 messages". */
export const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
