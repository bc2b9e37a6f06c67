// natural's deep modules have no typings; importing them avoids loading the whole
// package (~1 s and a dotenv banner on stdout).
declare module "natural/lib/natural/stemmers/porter_stemmer.js" {
  const PorterStemmer: { stem(word: string): string };
  export default PorterStemmer;
}
declare module "natural/lib/natural/distance/jaro-winkler_distance.js" {
  const JaroWinklerDistance: (s1: string, s2: string, options?: { ignoreCase?: boolean }) => number;
  export default JaroWinklerDistance;
}
