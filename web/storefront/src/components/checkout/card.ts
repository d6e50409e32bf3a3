/** The test card form's fields as typed. */
export interface CardInput {
  number: string;
  expiry: string;
  cvc: string;
}

export const emptyCard: CardInput = { number: "", expiry: "", cvc: "" };

export const cardDigits = (number: string) => number.replace(/[\s-]/g, "");

/** Groups card digits by four as the shopper types ("4242 4242 ..."). */
export function formatCardNumber(value: string): string {
  const digits = value.replace(/\D/g, "").slice(0, 19);
  return digits.replace(/(\d{4})(?=\d)/g, "$1 ");
}

/** "MM / YY" as the shopper types. */
export function formatExpiry(value: string): string {
  const digits = value.replace(/\D/g, "").slice(0, 4);
  return digits.length > 2 ? `${digits.slice(0, 2)} / ${digits.slice(2)}` : digits;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Messages for the fields of the test card form that are not filled in correctly. */
export function validateCard(card: CardInput, now = new Date()): Partial<Record<keyof CardInput, string>> {
  const errors: Partial<Record<keyof CardInput, string>> = {};
  const digits = cardDigits(card.number);
  if (!digits) errors.number = "Enter the card number.";
  else if (!/^\d{12,19}$/.test(digits) || !luhn(digits)) errors.number = "Enter a valid card number.";
  const expiry = /^(\d{2})\s*\/?\s*(\d{2})$/.exec(card.expiry.trim());
  if (!card.expiry.trim()) errors.expiry = "Enter the expiry date.";
  else if (!expiry || Number(expiry[1]) < 1 || Number(expiry[1]) > 12) {
    errors.expiry = "Enter the expiry date as MM / YY.";
  } else {
    const year = 2000 + Number(expiry[2]);
    const month = Number(expiry[1]);
    if (year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1)) {
      errors.expiry = "This card has expired.";
    }
  }
  if (!/^\d{3,4}$/.test(card.cvc.trim())) errors.cvc = "Enter the 3 or 4 digit security code.";
  return errors;
}
