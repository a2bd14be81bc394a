// pdfkit 0.20's standard-font modules (for its browser build, which the edge bundle uses); not yet in @types/pdfkit.
declare module 'pdfkit/standard-fonts/Helvetica' {
  const font: object;
  export default font;
}
declare module 'pdfkit/standard-fonts/HelveticaBold' {
  const font: object;
  export default font;
}
